"""The `triage` command: check data, train, evaluate, predict, list models and serve.

This module only parses the command line and reports errors; each command lives in
`training.commands` (`training.serve` for `serve`) and is imported when it runs, so
`triage --help` and `triage serve` start without loading scikit-learn. Every error
triage raises on purpose derives from `TriageError` and becomes `Error: ...` on standard
error and exit code 1 (2 for a wrong command line, as argparse does).
"""

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from nlp.errors import TriageError
from nlp.settings import Settings
from training.exit_codes import EXIT_FAILURE, EXIT_OK


@dataclass(frozen=True)
class Command:
    """A command's function, named rather than imported until the command runs."""

    function: str
    module: str = "training.commands"

    def __call__(self, args: argparse.Namespace, settings: Settings) -> int:
        """Import the command's module and run the command; return its exit code."""
        run = getattr(importlib.import_module(self.module), self.function)
        code: int = run(args, settings)
        return code


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every `triage` command."""
    parser = argparse.ArgumentParser(
        prog="triage", description="Route Vietnamese citizen complaints to city departments."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    data = commands.add_parser("data", help="work with data files").add_subparsers(
        dest="data_command", required=True, metavar="COMMAND"
    )
    check = data.add_parser("check", help="validate CSV/JSONL data files")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.add_argument(
        "--near-threshold",
        type=float,
        default=0.7,
        metavar="J",
        help="word 5-gram Jaccard from which rows count as near-duplicates",
    )
    check.set_defaults(handler=Command("cmd_data_check"))
    split = data.add_parser("split", help="write a fixed stratified train/test split")
    split.add_argument("files", nargs="+", type=Path, metavar="FILE")
    split.add_argument("--test-fraction", type=float, default=0.2, metavar="F")
    split.add_argument("--train-out", type=Path, required=True, metavar="FILE")
    split.add_argument("--test-out", type=Path, required=True, metavar="FILE")
    split.set_defaults(handler=Command("cmd_data_split"))

    train = commands.add_parser("train", help="train and save a new model version")
    train.add_argument(
        "--data",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="labeled CSV/JSONL files (default: data/train.csv)",
    )
    train.add_argument("--out", type=Path, metavar="DIR", help="models folder (default: models)")
    train.add_argument("--seed", type=int, default=0, metavar="N")
    train.add_argument(
        "--folds",
        type=int,
        default=None,
        metavar="K",
        help="cross-validation folds (default: 5, or 3 from 50,000 rows)",
    )
    train.add_argument(
        "--target-precision",
        type=float,
        default=None,
        metavar="P",
        help="precision that complaints routed without review must reach (default 0.95)",
    )
    train.add_argument(
        "--feedback",
        action="store_true",
        help="add the stored staff corrections (TRIAGE_DATABASE_URL) to the training data",
    )
    train.add_argument(
        "--compare",
        action="store_true",
        help="cross-validate the candidate pipelines first and keep the best (several minutes)",
    )
    train.add_argument(
        "--no-accent-invariant",
        dest="accent_invariant",
        action="store_false",
        help="train the main model only, without the accent-invariant second model",
    )
    train.set_defaults(handler=Command("cmd_train"))

    evaluate = commands.add_parser("evaluate", help="measure a model on labeled data")
    evaluate.add_argument("--model", type=Path, metavar="DIR", help="default: the promoted model")
    evaluate.add_argument("--data", nargs="+", type=Path, required=True, metavar="FILE")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument(
        "--report", type=Path, metavar="DIR", help="also write a Markdown report with pictures"
    )
    evaluate.add_argument(
        "--baseline-data",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="data the report's character baseline trains on (default: data/train.csv)",
    )
    evaluate.set_defaults(handler=Command("cmd_evaluate"))

    predict = commands.add_parser("predict", help="classify a CSV or JSONL file")
    predict.add_argument("--model", type=Path, metavar="DIR", help="default: the promoted model")
    predict.add_argument("--input", required=True, metavar="FILE", help="'-' for standard input")
    predict.add_argument("--output", required=True, metavar="FILE", help="'-' for standard output")
    predict.add_argument("--format", choices=("csv", "jsonl"), help="output format")
    predict.add_argument("--routing", type=Path, metavar="FILE", help="routing table JSON")
    predict.add_argument("--review-threshold", type=float, metavar="P")
    predict.set_defaults(handler=Command("cmd_predict"))

    models = commands.add_parser("models", help="the model registry").add_subparsers(
        dest="models_command", required=True, metavar="COMMAND"
    )
    listing = models.add_parser("list", help="list model versions")
    listing.add_argument("--models-dir", type=Path, metavar="DIR")
    listing.set_defaults(handler=Command("cmd_models_list"))
    promote_cmd = models.add_parser("promote", help="promote a version past the quality gate")
    promote_cmd.add_argument("version")
    promote_cmd.add_argument("--models-dir", type=Path, metavar="DIR")
    promote_cmd.add_argument(
        "--eval-data",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="the fixed evaluation set (default: data/test.csv)",
    )
    promote_cmd.add_argument(
        "--margin",
        type=float,
        metavar="M",
        help="how much lower macro-F1 may be than the current model's (default 0.01)",
    )
    promote_cmd.add_argument("--force", action="store_true", help="promote even if worse")
    promote_cmd.set_defaults(handler=Command("cmd_models_promote"))
    rollback_cmd = models.add_parser("rollback", help="promote the previous model again")
    rollback_cmd.add_argument("--models-dir", type=Path, metavar="DIR")
    rollback_cmd.set_defaults(handler=Command("cmd_models_rollback"))

    feedback = commands.add_parser("feedback", help="staff corrections").add_subparsers(
        dest="feedback_command", required=True, metavar="COMMAND"
    )
    export = feedback.add_parser("export", help="write the corrections as training data")
    export.add_argument("--out", type=Path, required=True, metavar="FILE")
    export.add_argument("--database-url", metavar="URL", help="default: TRIAGE_DATABASE_URL")
    export.set_defaults(handler=Command("cmd_feedback_export"))

    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--model", type=Path, metavar="DIR", help="default: the promoted model")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    serve.set_defaults(handler=Command("cmd_serve", "training.serve"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `triage` command and return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
        code: int = args.handler(args, settings)
        return code
    except ValidationError as error:
        problems = "; ".join(
            f"TRIAGE_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in error.errors()
        )
        print(f"Error: invalid setting: {problems}", file=sys.stderr)
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader of our output went away (`triage ... | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except (TriageError, FileExistsError) as error:
        print(f"Error: {error}", file=sys.stderr)
    except OSError as error:
        print(f"Error: {error.strerror or error} ({error.filename or 'file'})", file=sys.stderr)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())

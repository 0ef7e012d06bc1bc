"""What each `triage` command does, except `serve` (`training.serve`).

Each command is a few lines around a library function that tests call directly.
`training.cli` parses the command line and imports this module only when one of these
commands runs: it pulls in scikit-learn and the storage code, which `triage serve` and
`triage --help` do without.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from nlp.errors import TriageError
from nlp.labels import LABELS
from nlp.persistence import load_model
from nlp.registry import list_models, resolve_model_dir
from nlp.settings import Settings
from service.routing_file import read_routing_table
from service.storage import Storage
from training.data import LoadResult, Record, is_jsonl, load_records, read_records
from training.evaluate import evaluate_model
from training.exit_codes import EXIT_FAILURE, EXIT_OK
from training.feedback import ResolvedFeedback, merge_feedback, resolve_feedback
from training.metrics import format_confusion, format_per_label
from training.near_duplicates import find_near_duplicates
from training.predict import predict_rows, write_output_file, write_rows
from training.progress import Progress
from training.promotion import promote_with_gate, rollback
from training.split import split_records
from training.train import DEFAULT_TARGET_PRECISION, train_model

_MAX_PROBLEMS_SHOWN = 50


class CommandError(TriageError):
    """A failure the CLI reports as `Error: <message>` with exit code 1."""


def _print_problems(result: LoadResult) -> None:
    for problem in result.problems[:_MAX_PROBLEMS_SHOWN]:
        print(problem, file=sys.stderr)
    hidden = len(result.problems) - _MAX_PROBLEMS_SHOWN
    if hidden > 0:
        print(f"... and {hidden} more problems", file=sys.stderr)


def _load_labeled(paths: Sequence[Path], check_duplicates: bool) -> LoadResult:
    """Load labeled files; any problem stops the command after listing them all."""
    result = load_records(paths, require_label=True, check_duplicates=check_duplicates)
    if result.problems:
        _print_problems(result)
        raise CommandError(f"{len(result.problems)} problem(s) in the data; nothing was done")
    if not result.records:
        raise CommandError("the data files hold no rows")
    return result


def cmd_data_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate data files; list every bad row and near-duplicate pair."""
    result = load_records(args.files, require_label=True, check_duplicates=True)
    _print_problems(result)
    pairs = find_near_duplicates(result.records, threshold=args.near_threshold)
    for pair in pairs[:_MAX_PROBLEMS_SHOWN]:
        print(
            f"{pair.second.source_file}:{pair.second.line}: near-duplicate of "
            f"{pair.first.source_file}:{pair.first.line} (similarity {pair.similarity:.2f})"
        )
    rows = len(result.records)
    share = 100 * len(pairs) / max(1, rows)
    counts = {label: sum(r.label == label for r in result.records) for label in LABELS}
    print(f"{rows} valid rows: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"{len(pairs)} rows with a near-duplicate ({share:.1f}%)")
    if result.problems:
        print(f"{len(result.problems)} problem(s) found", file=sys.stderr)
        return EXIT_FAILURE
    print("OK: no problems found")
    return EXIT_OK


def cmd_data_split(args: argparse.Namespace, settings: Settings) -> int:
    """Write a fixed stratified train/test split of labeled files."""
    result = _load_labeled(args.files, check_duplicates=True)
    train, test = split_records(result.records, args.test_fraction)
    for path, part in ((args.train_out, train), (args.test_out, test)):
        rows = [dict(record.fields) for record in part]
        write_output_file(path, rows, result.columns, is_jsonl(path), extra_columns=())
        print(f"{len(part)} rows written to {path}")
    return EXIT_OK


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    """Train, print the cross-validation table, save (and maybe promote) the model."""
    paths = args.data or settings.train_data
    result = _load_labeled(paths, check_duplicates=True)
    progress = Progress()
    records = result.records
    files = [str(path) for path in paths]
    if args.feedback:
        resolved = _resolved_feedback(settings)
        records, replaced = merge_feedback(records, resolved.records)
        files.append(f"feedback ({settings.database_url})")
        progress.say(
            f"Corrections: {resolved.corrections} stored, {len(resolved.records)} texts, "
            f"{replaced} replace a data row's label, {len(resolved.conflicts)} conflicts"
        )
    progress.say(f"Training on {len(records)} rows from {', '.join(files)}")
    trained = train_model(
        records,
        models_dir=args.out or settings.models_dir,
        seed=args.seed,
        folds=args.folds,
        progress=progress,
        data_files=files,
        target_precision=(
            DEFAULT_TARGET_PRECISION if args.target_precision is None else args.target_precision
        ),
        compare=args.compare,
        accent_invariant=args.accent_invariant,
    )
    if trained.comparison:
        print("Candidates by cross-validated macro-F1:")
        for candidate in trained.comparison:
            print(f"  {candidate['macro_f1']:.3f}  {candidate['name']}")
    print(f"Cross-validation ({trained.cv_metrics['folds']} folds, seed {args.seed}):")
    print(format_per_label(trained.cv_metrics))
    calibration, review = trained.calibration, trained.review
    print(
        f"Calibration: temperature {calibration['temperature']:.2f}, expected calibration "
        f"error {calibration['ece_before']:.3f} -> {calibration['ece_after']:.3f}"
    )
    print(
        f"Review threshold {review['threshold']:.3f}: {review['coverage']:.0%} of held-out "
        f"complaints routed without review at precision {review['precision']:.3f} "
        f"(target {review['target_precision']:.2f})"
    )
    print(f"Model {trained.version} written to {trained.path}")
    if trained.promoted:
        print(f"Promoted {trained.version}: it is the first model in {trained.path.parent}")
    return EXIT_OK


def _resolved_feedback(settings: Settings) -> ResolvedFeedback:
    storage = Storage(settings.database_url)
    try:
        storage.migrate()
        return resolve_feedback(storage.iter_feedback())
    finally:
        storage.close()


def cmd_feedback_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write the stored corrections as training data (latest correction of a text wins)."""
    if args.database_url:
        settings = settings.model_copy(update={"database_url": args.database_url})
    resolved = _resolved_feedback(settings)
    for conflict in resolved.conflicts:
        excerpt = conflict.text if len(conflict.text) <= 80 else conflict.text[:80] + "…"
        print(
            f"conflict: {' -> '.join(conflict.labels)} (kept {conflict.chosen}): {excerpt}",
            file=sys.stderr,
        )
    rows = [dict(record.fields) for record in resolved.records]
    columns = ["id", "text", "label", "source"]
    write_output_file(args.out, rows, columns, is_jsonl(args.out), extra_columns=())
    print(
        f"{len(rows)} corrected complaints written to {args.out} "
        f"(from {resolved.corrections} corrections; {len(resolved.conflicts)} conflicts, "
        "the latest correction of each text wins)"
    )
    return EXIT_OK


def _eval_records(args: argparse.Namespace, settings: Settings) -> list[Record]:
    return _load_labeled(args.eval_data or settings.eval_data, check_duplicates=False).records


def cmd_models_promote(args: argparse.Namespace, settings: Settings) -> int:
    """Promote a model version if it is not worse than the current one (or --force)."""
    models_dir = args.models_dir or settings.models_dir
    margin = settings.promote_margin if args.margin is None else args.margin
    decision = promote_with_gate(
        models_dir, args.version, _eval_records(args, settings), margin, args.force
    )
    current = (
        f"{decision.current} scores {decision.current_macro_f1:.4f}"
        if decision.current_macro_f1 is not None
        else "no other model is promoted"
    )
    print(f"{decision.candidate} scores macro-F1 {decision.candidate_macro_f1:.4f}; {current}")
    if decision.forced:
        print(f"Promoted {decision.candidate} by force, below the gate (margin {margin})")
    elif decision.promoted:
        print(f"Promoted {decision.candidate}")
    else:
        raise CommandError(
            f"{decision.candidate} is worse than {decision.current} by more than {margin}; "
            "not promoted (use --force to promote anyway)"
        )
    return EXIT_OK


def cmd_models_rollback(args: argparse.Namespace, settings: Settings) -> int:
    """Promote again the model that was promoted before the current one."""
    before, after = rollback(args.models_dir or settings.models_dir)
    print(f"Rolled back from {before} to {after}")
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    """Evaluate a model on labeled data; a table, or one JSON object with --json."""
    model_dir = resolve_model_dir(settings.models_dir, args.model or settings.model_path)
    classifier = load_model(model_dir)
    result = _load_labeled(args.data, check_duplicates=False)
    if args.report:
        from training.report import build_report

        train_paths = args.baseline_data or settings.train_data
        baseline_train = _load_labeled(train_paths, check_duplicates=False).records
        built = build_report(
            classifier, result.records, baseline_train, args.report, [str(p) for p in args.data]
        )
        print(f"Report written to {built.path}")
    metrics = evaluate_model(classifier, result.records)
    if args.json:
        print(json.dumps(metrics, ensure_ascii=False))
        return EXIT_OK
    print(f"Model {classifier.version} on {metrics['rows']} rows")
    print(format_per_label(metrics))
    review = metrics["review"]
    print(
        f"Routed without review at threshold {review['threshold']:.3f}: {review['coverage']:.1%}"
        f" (precision {review['precision']:.3f}); expected calibration error {metrics['ece']:.3f}"
    )
    print()
    print(format_confusion(metrics))
    return EXIT_OK


def cmd_predict(args: argparse.Namespace, settings: Settings) -> int:
    """Classify a CSV or JSONL file (or standard input) into a new file (or stdout)."""
    model_dir = resolve_model_dir(settings.models_dir, args.model or settings.model_path)
    classifier = load_model(model_dir)
    routing = read_routing_table(args.routing or settings.routing_path)
    stdin = sys.stdin.buffer if str(args.input) == "-" else None
    result = read_records(args.input, require_label=False, stdin=stdin)
    if result.problems:
        _print_problems(result)
        raise CommandError(f"{len(result.problems)} problem(s) in {args.input}; nothing written")
    threshold = (
        args.review_threshold
        if args.review_threshold is not None
        else settings.review_threshold
        if settings.review_threshold is not None
        else classifier.review_threshold
    )
    rows = predict_rows(classifier, routing, result.records, threshold)
    input_jsonl = str(args.input) != "-" and is_jsonl(Path(args.input))
    if args.format:
        as_jsonl = args.format == "jsonl"
    elif str(args.output) != "-":
        as_jsonl = is_jsonl(Path(args.output))
    else:
        as_jsonl = input_jsonl
    if str(args.output) == "-":
        write_rows(sys.stdout, rows, result.columns, as_jsonl)
    else:
        write_output_file(Path(args.output), rows, result.columns, as_jsonl)
        review = sum(row["needs_review"] == "true" for row in rows)
        print(f"{len(rows)} complaints classified into {args.output} ({review} need review)")
    return EXIT_OK


def cmd_models_list(args: argparse.Namespace, settings: Settings) -> int:
    """List model versions with their data fingerprint and cross-validated macro-F1."""
    entries = list_models(args.models_dir or settings.models_dir)
    if not entries:
        print("No models yet: train one with `triage train`.")
        return EXIT_OK
    print(
        f"{'':2}{'version':<20}{'created':<27}{'rows':>6}  {'data sha256':<14}{'cv macro-F1':>12}"
    )
    for entry in entries:
        cv = entry.meta.get("metrics", {}).get("cross_validation", {})
        data = entry.meta.get("training_data", {})
        mark = "* " if entry.promoted else "  "
        print(
            f"{mark}{entry.version:<20}{entry.meta.get('created_at', '?'):<27}"
            f"{data.get('rows', 0):>6}  {str(data.get('sha256', '?'))[:12]:<14}"
            f"{cv.get('macro_f1', float('nan')):>12.3f}"
        )
    print("(* promoted)")
    return EXIT_OK

"""Run the benchmarks: `python -m bench [--quick] [--no-record] [--only NAME ...]`."""

import argparse
import sys
from pathlib import Path

from bench import http, inprocess, training
from bench.common import append_results, complaint_texts
from nlp.registry import resolve_model_dir
from nlp.settings import Settings


def main() -> int:
    """Run the selected benchmarks, print their tables, and record them."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the scripts run")
    parser.add_argument("--no-record", action="store_true", help="do not append RESULTS.md")
    parser.add_argument("--only", nargs="+", choices=("inprocess", "http", "training"))
    parser.add_argument("--model", type=Path, help="model folder (default: the promoted one)")
    args = parser.parse_args()
    chosen = set(args.only or ("inprocess", "http", "training"))
    model_dir = resolve_model_dir(Settings().models_dir, args.model)
    sections: list[str] = []
    if "inprocess" in chosen:
        texts = complaint_texts(100 if args.quick else None)
        sections.append(inprocess.run(inprocess.load(model_dir), texts))
        print(sections[-1], flush=True)
    if "http" in chosen:
        for section in http.run(model_dir, complaint_texts(), 100 if args.quick else 3000):
            sections.append(section)
            print(section, flush=True)
    if "training" in chosen:
        sizes = [300, 600] if args.quick else [3_000, 30_000, 100_000]
        sections.append(training.run(sizes))
        print(sections[-1], flush=True)
    if not args.no_record:
        append_results(sections)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Regenerate docs/RELIABILITY.md: run the reliability tests and a soak, tabulate results.

`python -m bench.reliability` (or `make reliability`) runs each group of reliability
tests with pytest, counts the cases and their outcome, runs the 20,000-request soak, and
rewrites the table. The figures in the file are the last run's, with its date.
"""

import json
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime
from pathlib import Path

from bench.common import ROOT, machine
from bench.soak import run as run_soak
from nlp.registry import resolve_model_dir
from nlp.settings import Settings

GROUPS: list[tuple[str, str, str]] = [
    (
        "Normalisation on arbitrary Unicode (hypothesis)",
        "tests/nlp/test_normalize.py",
        "never raises, idempotent, output always encodable",
    ),
    (
        "Segmentation and classification on arbitrary Unicode (hypothesis, nasty strings)",
        "tests/nlp/test_properties.py",
        "only our own error for non-strings; always a label; NFC = NFD",
    ),
    (
        "OpenAPI fuzzing (schemathesis, 25 cases per operation, live uvicorn)",
        "tests/service/test_schema_fuzz.py",
        "no 5xx; status, content type and body match the schema",
    ),
    (
        "Bad data files (BOM, CRLF, Windows-1258, Latin-1, no header, ragged, "
        "unterminated quote, 100 MB line)",
        "tests/training/test_bad_files.py tests/training/test_data.py",
        "file:line error, exit 1, nothing half-written",
    ),
    (
        "Model faults (corrupt, truncated, foreign, other versions) and routing-table faults",
        "tests/nlp/test_persistence.py tests/service/test_api.py",
        "refused at start-up or 503 with the reason",
    ),
    (
        "Database faults (read-only, locked, full, unreachable) on SQLite and PostgreSQL",
        "tests/service/test_storage.py tests/service/test_faults.py "
        "tests/service/test_feedback_api.py",
        "503 with the reason; acknowledged corrections kept",
    ),
    (
        "Crash safety (SIGKILL during training; reload under load)",
        "tests/training/test_feedback_loop.py tests/service/test_feedback_end_to_end.py",
        "no half-written model; no failed in-flight request",
    ),
    (
        "Defects found in review (surrogates into storage, password in errors, odd Open311 "
        "ids and dates, 500s without request id, rollback, CSV errors after the first)",
        "tests/service/test_review_fixes.py",
        "each fixed defect stays fixed",
    ),
    (
        "Security (413 before parsing, request ids, CORS off, admin token, "
        "nothing sensitive logged)",
        "tests/service/test_security.py",
        "as stated",
    ),
]


def _run_group(paths: str) -> tuple[int, int, int]:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "junit.xml"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--junitxml={report}",
                *paths.split(),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        suite = ElementTree.parse(report).getroot()
        suite = suite if suite.tag == "testsuite" else suite[0]
        tests, failures = (
            int(suite.get("tests", 0)),
            int(suite.get("failures", 0)) + int(suite.get("errors", 0)),
        )
        return tests, failures, int(suite.get("skipped", 0))


def main() -> int:
    """Run everything and rewrite docs/RELIABILITY.md; exit 1 if anything failed."""
    rows = []
    failed = False
    for title, paths, claim in GROUPS:
        tests, failures, skipped = _run_group(paths)
        failed |= failures > 0
        verdict = "pass" if failures == 0 else f"**{failures} failed**"
        rows.append(f"| {title} | {tests} tests ({skipped} skipped) | {claim} | {verdict} |")
        print(rows[-1], flush=True)
    model_dir = resolve_model_dir(Settings().models_dir)
    soak = run_soak(model_dir, 20_000, 32)
    soak_ok = soak["errors"] == 0 and soak["feedback_missing"] == 0 and soak["rss_growth"] < 0.10
    failed |= not soak_ok
    rows.append(
        "| Soak: 20,000 requests (7 classify : 1 batch of 20 : 2 feedback) at concurrency 32, "
        "one worker "
        f"| {soak['requests']} requests, {soak['errors']} errors, {soak['rps']} req/s, "
        f"p99 {soak['p99_ms']} ms "
        f"| every acknowledged correction stored ({soak['feedback_acknowledged']} acknowledged, "
        f"{soak['feedback_missing']} missing); memory {soak['rss_first_thousand_mb']} → "
        f"{soak['rss_last_thousand_mb']} MB ({soak['rss_growth']:.1%}) "
        f"| {'pass' if soak_ok else '**failed**'} |"
    )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            "# Reliability",
            "",
            "What was tried against the service and the tools, how many cases, and the result.",
            f"Regenerated by `make reliability` (`python -m bench.reliability`); last run {stamp}",
            f"on {machine()}.",
            "",
            "| what was tried | cases | what must hold | result |",
            "|---|---|---|---|",
            *rows,
            "",
            "Raw soak figures: `" + json.dumps(soak) + "`",
            "",
        ]
    )
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "RELIABILITY.md").write_text(text, "utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Classifying a whole file: every input column kept, the routing decision added."""

import csv
import io
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final, TextIO

from nlp.model import Classifier
from nlp.routing import Department
from training.data import Record

OUTPUT_COLUMNS: Final = ("predicted_label", "confidence", "needs_review", "department")
_BATCH: Final = 256


def predict_rows(
    classifier: Classifier,
    routing: dict[str, Department],
    records: Sequence[Record],
    threshold: float,
) -> list[dict[str, str]]:
    """One output row per record: its original fields plus the four decision columns."""
    rows: list[dict[str, str]] = []
    for start in range(0, len(records), _BATCH):
        batch = records[start : start + _BATCH]
        predictions = classifier.predict([record.text for record in batch], explain=0)
        for record, prediction in zip(batch, predictions, strict=True):
            row = dict(record.fields)
            row["predicted_label"] = prediction.label
            row["confidence"] = f"{prediction.confidence:.4f}"
            row["needs_review"] = "true" if prediction.needs_review(threshold) else "false"
            row["department"] = routing[prediction.label].id
            rows.append(row)
    return rows


def write_rows(
    stream: TextIO,
    rows: Sequence[dict[str, str]],
    columns: Sequence[str],
    as_jsonl: bool,
    extra_columns: Sequence[str] = OUTPUT_COLUMNS,
) -> None:
    """Write rows as CSV (header: `columns`, then `extra_columns`) or as JSONL."""
    if as_jsonl:
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    header = [column for column in columns if column not in extra_columns]
    header += list(extra_columns)
    writer = csv.DictWriter(stream, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def write_output_file(
    path: Path,
    rows: Sequence[dict[str, str]],
    columns: Sequence[str],
    as_jsonl: bool,
    extra_columns: Sequence[str] = OUTPUT_COLUMNS,
) -> None:
    """Write the output file atomically: complete, or not there at all.

    Raises:
        OSError: the folder cannot be written (missing, read-only, disk full).
    """
    buffer = io.StringIO()
    write_rows(buffer, rows, columns, as_jsonl, extra_columns)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or Path("."))
    try:
        # mkstemp makes the file private; give it the permissions any new file would get.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(buffer.getvalue())
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

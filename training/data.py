"""Reading labeled complaints from CSV and JSON Lines files, and saying what is wrong.

Data files follow `LABELING.md`: UTF-8, columns `text,label` and optionally
`id,alt_label,source`. Every problem is reported with its file and line, and no row is
ever dropped silently: a caller gets the good records and the list of problems, and
decides (the CLI refuses to train on a file with problems).
"""

import csv
import io
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Final

from joblib import Parallel, delayed

from nlp.errors import TriageError
from nlp.labels import LABELS, is_label
from nlp.normalize import clean_text, normalize_text

#: Normalising runs in worker processes from this many texts, in chunks of this size.
_PARALLEL_FROM: Final = 20_000
_CHUNK: Final = 2_000

#: A single line longer than this is refused before it is parsed (a 100 MB line is a
#: broken export, not a complaint).
MAX_LINE_BYTES: Final = 1_000_000
TEXT_COLUMN: Final = "text"
LABEL_COLUMN: Final = "label"


@dataclass(frozen=True)
class Record:
    """One row of a data file; `fields` keeps every original column for round-tripping."""

    text: str
    label: str | None
    alt_label: str | None
    id: str | None
    source_file: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """A row (or a whole file) that cannot be used, and why."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class LoadResult:
    """The usable records of one or more files and every problem found in them."""

    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


class DataFileError(TriageError):
    """A data file that cannot be opened at all (missing, a folder, unreadable)."""


def _decode_lines(raw: bytes, name: str, problems: list[Problem]) -> tuple[list[str], set[int]]:
    """Split bytes into decoded lines; undecodable or oversized lines are reported."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    lines: list[str] = []
    bad: set[int] = set()
    for number, chunk in enumerate(raw.splitlines(keepends=True), start=1):
        if len(chunk) > MAX_LINE_BYTES:
            problems.append(
                Problem(name, number, f"line is {len(chunk):,} bytes, over {MAX_LINE_BYTES:,}")
            )
            bad.add(number)
            lines.append("\n")
            continue
        try:
            lines.append(chunk.decode("utf-8"))
        except UnicodeDecodeError as error:
            snippet = chunk[error.start : error.start + 4]
            problems.append(
                Problem(
                    name,
                    number,
                    f"not valid UTF-8 (bytes {snippet!r} at column {error.start + 1}); "
                    "save the file as UTF-8",
                )
            )
            bad.add(number)
            lines.append(chunk.decode("utf-8", errors="replace"))
    return lines, bad


def _check_row(
    values: dict[str, str], name: str, line: int, require_label: bool
) -> tuple[Record | None, list[Problem]]:
    """Validate one row's values and build its record."""
    problems: list[Problem] = []
    text = clean_text(values.get(TEXT_COLUMN) or "")
    if not text.strip():
        problems.append(Problem(name, line, "empty text"))
    label = (values.get(LABEL_COLUMN) or "").strip() or None
    alt_label = (values.get("alt_label") or "").strip() or None
    if require_label:
        # Labels matter only where they are used: a file sent for prediction may carry
        # a stale label column that nobody reads.
        if label is None:
            problems.append(Problem(name, line, "empty label"))
        elif not is_label(label):
            problems.append(
                Problem(
                    name, line, f"unknown label {label!r} (expected one of {', '.join(LABELS)})"
                )
            )
        if alt_label is not None and not is_label(alt_label):
            problems.append(Problem(name, line, f"unknown alt_label {alt_label!r}"))
    if problems:
        return None, problems
    record = Record(
        text=text,
        label=label,
        alt_label=alt_label,
        id=(values.get("id") or "").strip() or None,
        source_file=name,
        line=line,
        fields=dict(values),
    )
    return record, []


def _iter_csv(
    lines: list[str], bad: set[int], name: str, result: LoadResult, require_label: bool
) -> Iterator[Record]:
    reader = csv.reader(io.StringIO("".join(lines), newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        result.problems.append(Problem(name, 1, "the file is empty"))
        return
    except csv.Error as error:
        result.problems.append(Problem(name, 1, f"unreadable header: {error}"))
        return
    header = [column.strip() for column in header]
    needed = [TEXT_COLUMN] + ([LABEL_COLUMN] if require_label else [])
    missing = [column for column in needed if column not in header]
    if missing:
        result.problems.append(
            Problem(
                name,
                1,
                f"missing column {', '.join(missing)} (the header is {','.join(header)!r}; "
                "the first line must name the columns, e.g. text,label)",
            )
        )
        return
    result.columns = header
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # Report the row and read on from the next line: every bad row is listed.
            result.problems.append(Problem(name, start, f"malformed CSV: {error}"))
            if reader.line_num < start:
                return
            start = reader.line_num + 1
            continue
        end = reader.line_num
        line, start = start, end + 1
        if not row or all(not value.strip() for value in row):
            continue
        if any(number in bad for number in range(line, end + 1)):
            continue
        if len(row) != len(header):
            result.problems.append(
                Problem(name, line, f"{len(row)} fields where the header has {len(header)}")
            )
            continue
        record, problems = _check_row(
            dict(zip(header, row, strict=True)), name, line, require_label
        )
        result.problems.extend(problems)
        if record is not None:
            yield record


def _iter_jsonl(
    lines: list[str], bad: set[int], name: str, result: LoadResult, require_label: bool
) -> Iterator[Record]:
    columns: dict[str, None] = {}
    for number, line in enumerate(lines, start=1):
        if number in bad or not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            result.problems.append(Problem(name, number, f"invalid JSON: {error.msg}"))
            continue
        if not isinstance(item, dict):
            result.problems.append(Problem(name, number, "each line must be a JSON object"))
            continue
        missing = [key for key in (TEXT_COLUMN, LABEL_COLUMN) if key not in item]
        if not require_label and LABEL_COLUMN in missing:
            missing.remove(LABEL_COLUMN)
        if missing:
            result.problems.append(Problem(name, number, f"missing key {', '.join(missing)}"))
            continue
        wrong = [k for k, v in item.items() if v is not None and not isinstance(v, str | int)]
        if not isinstance(item[TEXT_COLUMN], str) or wrong:
            result.problems.append(
                Problem(name, number, "values must be text (text must be a JSON string)")
            )
            continue
        values = {key: "" if value is None else str(value) for key, value in item.items()}
        columns.update(dict.fromkeys(values))
        record, problems = _check_row(values, name, number, require_label)
        result.problems.extend(problems)
        if record is not None:
            yield record
    result.columns = list(columns)


def is_jsonl(path: Path) -> bool:
    """Whether a path names a JSON Lines file (by its extension)."""
    return path.suffix.lower() in (".jsonl", ".ndjson", ".json")


def read_records(
    path: Path | str, require_label: bool = True, stdin: BinaryIO | None = None
) -> LoadResult:
    """Read one CSV or JSONL file (`-` with `stdin` reads standard input as CSV).

    Raises:
        DataFileError: the file cannot be opened at all.
    """
    name = str(path)
    if name == "-" and stdin is not None:
        raw = stdin.read()
        json_lines = raw.lstrip()[:1] == b"{"
    else:
        path = Path(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise DataFileError(f"{name}: no such file") from None
        except IsADirectoryError:
            raise DataFileError(f"{name}: is a folder, not a data file") from None
        except OSError as error:
            raise DataFileError(f"{name}: cannot be read ({error.strerror})") from error
        json_lines = is_jsonl(path)
    result = LoadResult()
    lines, bad = _decode_lines(raw, name, result.problems)
    parse = _iter_jsonl if json_lines else _iter_csv
    result.records.extend(parse(lines, bad, name, result, require_label))
    return result


def _normalize_chunk(texts: list[str]) -> list[str]:
    return [normalize_text(text) for text in texts]


def normalized_texts(texts: Sequence[str]) -> list[str]:
    """`normalize_text` of every text, on all cores when there are many."""
    if len(texts) < _PARALLEL_FROM:
        return _normalize_chunk(list(texts))
    chunks = [list(texts[i : i + _CHUNK]) for i in range(0, len(texts), _CHUNK)]
    parts = Parallel(n_jobs=os.cpu_count() or 1)(delayed(_normalize_chunk)(c) for c in chunks)
    return [text for part in parts for text in part]


def find_duplicates(records: Sequence[Record]) -> list[Problem]:
    """Rows whose normalised text repeats an earlier row's, with both places named.

    Normalised, so "Đường NGẬP" and "đường ngập" count as one text: a duplicate in a
    training set inflates cross-validation and can sit on both sides of a split.
    """
    first_seen: dict[str, Record] = {}
    problems: list[Problem] = []
    for record, key in zip(records, normalized_texts([r.text for r in records]), strict=True):
        earlier = first_seen.get(key)
        if earlier is None:
            first_seen[key] = record
            continue
        same = "same label" if earlier.label == record.label else f"label {earlier.label!r} there"
        problems.append(
            Problem(
                record.source_file,
                record.line,
                f"duplicate text of {earlier.source_file}:{earlier.line} ({same})",
            )
        )
    return problems


def load_records(
    paths: Iterable[Path | str], require_label: bool = True, check_duplicates: bool = False
) -> LoadResult:
    """Read several files into one result; optionally report duplicate texts across them."""
    combined = LoadResult()
    for path in paths:
        result = read_records(path, require_label=require_label)
        combined.records.extend(result.records)
        combined.problems.extend(result.problems)
        combined.columns = combined.columns or result.columns
    if check_duplicates:
        combined.problems.extend(find_duplicates(combined.records))
    return combined

"""Reading data files: every bad row reported with its file and line, none dropped."""

import io
import json
from pathlib import Path

import pytest

from training.data import DataFileError, load_records, read_records


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def _messages(result_problems: list[object]) -> list[str]:
    return [str(problem) for problem in result_problems]


def test_data_reads_a_valid_csv(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "a.csv",
        'id,text,label,alt_label\n1,Đường ngập sâu,flooding,\n2,"Rác, bốc mùi",sanitation,other\n',
    )
    result = read_records(path)
    assert result.ok
    assert [(r.id, r.text, r.label, r.alt_label, r.line) for r in result.records] == [
        ("1", "Đường ngập sâu", "flooding", None, 2),
        ("2", "Rác, bốc mùi", "sanitation", "other", 3),
    ]


def test_data_accepts_bom_and_crlf(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", b"\xef\xbb\xbftext,label\r\nng\xe1\xba\xadp,flooding\r\n")
    result = read_records(path)
    assert result.ok
    assert result.records[0].text == "ngập"


def test_data_reports_unknown_labels_and_empty_text_with_line_numbers(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "a.csv",
        "text,label\nngập,flooding\ntắc,congestion\n  ,traffic\nrác,sanitation\n",
    )
    result = read_records(path)
    messages = _messages(result.problems)
    assert f"{path}:3: unknown label 'congestion'" in messages[0]
    assert messages[1] == f"{path}:4: empty text"
    assert [r.text for r in result.records] == ["ngập", "rác"]


def test_data_reports_undecodable_bytes_with_their_line(tmp_path: Path) -> None:
    latin1 = "text,label\nngập,flooding\nrác ở chợ,sanitation\n".encode()
    latin1 += b"caf\xe9 on sidewalk,urban_order\n"
    result = read_records(_write(tmp_path / "a.csv", latin1))
    assert len(result.problems) == 1
    assert ":4: not valid UTF-8" in str(result.problems[0])
    assert len(result.records) == 2


def test_data_reports_windows_1258_files(tmp_path: Path) -> None:
    content = b"text,label\nng\xe2\xf2p,flooding\n"  # "ngập" in Windows-1258
    result = read_records(_write(tmp_path / "a.csv", content))
    assert ":2: not valid UTF-8" in str(result.problems[0])
    assert "save the file as UTF-8" in str(result.problems[0])


def test_data_reports_a_missing_column(tmp_path: Path) -> None:
    result = read_records(_write(tmp_path / "a.csv", "content,label\nngập,flooding\n"))
    assert ":1: missing column text" in str(result.problems[0])
    assert result.records == []


def test_data_reports_ragged_rows(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "text,label\nngập,flooding,extra\nrác,sanitation\n")
    result = read_records(path)
    assert ":2: 3 fields where the header has 2" in str(result.problems[0])
    assert len(result.records) == 1


def test_data_counts_lines_across_quoted_newlines(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "a.csv",
        'text,label\n"Kính gửi UBND phường,\nđường ngập\nsâu",flooding\nrác,nonsense\n',
    )
    result = read_records(path)
    assert result.records[0].line == 2
    assert ":5: unknown label 'nonsense'" in str(result.problems[0])


def test_data_refuses_an_oversized_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "text,label\n" + "x" * 1_100_000 + ",other\nrác,sanitation\n")
    result = read_records(path)
    assert ":2: line is 1,100,007 bytes" in str(result.problems[0])
    assert [r.text for r in result.records] == ["rác"]


def test_data_reports_duplicates_across_files(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.csv", "text,label\nĐường NGẬP sâu,flooding\n")
    b = _write(tmp_path / "b.jsonl", json.dumps({"text": "đường ngập sâu", "label": "other"}))
    result = load_records([a, b], check_duplicates=True)
    assert f"{b}:1: duplicate text of {a}:2 (label 'flooding' there)" == str(result.problems[0])


def test_data_reads_jsonl_and_reports_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "ngập", "label": "flooding", "id": 7}),
        "{not json",
        json.dumps({"text": "tắc"}),
        json.dumps(["a list"]),
        json.dumps({"text": ["x"], "label": "other"}),
    ]
    result = read_records(_write(tmp_path / "a.jsonl", "\n".join(lines) + "\n"))
    assert result.records[0].id == "7"
    messages = _messages(result.problems)
    assert ":2: invalid JSON" in messages[0]
    assert ":3: missing key label" in messages[1]
    assert ":4: each line must be a JSON object" in messages[2]
    assert ":5: values must be text" in messages[3]


def test_data_prediction_input_needs_no_label(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "text,label\nngập,whatever\n")
    assert read_records(path, require_label=False).ok


def test_data_reads_standard_input() -> None:
    stdin = io.BytesIO("text\nđường ngập\n".encode())
    result = read_records("-", require_label=False, stdin=stdin)
    assert [r.text for r in result.records] == ["đường ngập"]


@pytest.mark.parametrize("name", ["missing.csv", ""])
def test_data_missing_file_is_a_clear_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(DataFileError, match=r"no such file|is a folder"):
        read_records(tmp_path / name)


def test_data_empty_file_is_reported(tmp_path: Path) -> None:
    result = read_records(_write(tmp_path / "a.csv", ""))
    assert "the file is empty" in str(result.problems[0])

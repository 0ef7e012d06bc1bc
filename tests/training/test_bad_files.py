"""Bad data files through the real commands: a clear error naming the file and line,
exit 1, and nothing half-written (no model folder, no output file)."""

import csv
from pathlib import Path

import pytest

from training.cli import main
from training.data import Record

GOOD_ROWS = "text,label\nđường ngập sâu,flooding\n"
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "windows-1258": (b"text,label\nng\xe2\xf2p,flooding\n", ":2: not valid UTF-8"),
    "latin-1": (b"text,label\ncaf\xe9 tr\xean v\xeca h\xe8,urban_order\n", ":2: not valid UTF-8"),
    "missing header": ("đường ngập,flooding\nrác,sanitation\n".encode(), ":1: missing column"),
    "ragged rows": (
        "text,label\nngập,flooding,x,y\n".encode(),
        ":2: 4 fields where the header has 2",
    ),
    "unterminated quote": ('text,label\n"ngập,flooding\n'.encode(), "malformed CSV"),
}


@pytest.fixture(scope="module")
def training_csv(tmp_path_factory: pytest.TempPathFactory, small_records: list[Record]) -> Path:
    path = tmp_path_factory.mktemp("good") / "train.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["text", "label"])
        writer.writerows([r.text, r.label] for r in small_records)
    return path


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_files_train_refuses_and_writes_no_model(
    kind: str, training_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, message = BAD_FILES[kind]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    models = tmp_path / "models"
    code = main(
        ["train", "--data", str(training_csv), str(bad), "--out", str(models), "--folds", "3"]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert f"{bad}:" in err and message in err and "Traceback" not in err
    assert not models.exists()


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_files_predict_refuses_and_writes_no_output(
    kind: str, model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, message = BAD_FILES[kind]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    out = tmp_path / "out.csv"
    code = main(["predict", "--model", str(model_dir), "--input", str(bad), "--output", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert f"{bad}:" in err and message in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bom", b"\xef\xbb\xbf" + GOOD_ROWS.encode()),
        ("crlf", GOOD_ROWS.replace("\n", "\r\n").encode()),
    ],
)
def test_bad_files_bom_and_crlf_are_read_as_ordinary_files(
    name: str, content: bytes, model_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_bytes(content)
    assert main(["data", "check", str(path)]) == 0
    out = tmp_path / "out.csv"
    assert (
        main(["predict", "--model", str(model_dir), "--input", str(path), "--output", str(out)])
        == 0
    )
    assert out.read_text("utf-8").splitlines()[1].startswith("đường ngập sâu,flooding,flooding,")


@pytest.fixture(scope="module")
def huge_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("huge") / "huge.csv"
    with path.open("wb") as stream:
        stream.write(GOOD_ROWS.encode())
        stream.write(b"x" * (100 * 1024 * 1024) + b",other\n")
        stream.write("rác bốc mùi,sanitation\n".encode())
    return path


@pytest.mark.slow
@pytest.mark.parametrize("command", ["data check", "train", "predict"])
def test_bad_files_a_100_mb_line_is_refused_by_line_number(
    command: str,
    huge_file: Path,
    model_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    argv = {
        "data check": ["data", "check", str(huge_file)],
        "train": ["train", "--data", str(huge_file), "--out", str(out)],
        "predict": [
            "predict",
            "--model",
            str(model_dir),
            "--input",
            str(huge_file),
            "--output",
            str(out),
        ],
    }[command]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert f"{huge_file}:3: line is 104,857,607 bytes, over 1,000,000" in err
    assert not out.exists()

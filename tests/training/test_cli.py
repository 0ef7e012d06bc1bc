"""The `triage` command: real exit codes and messages."""

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import joblib
import pytest

from nlp.labels import LABELS
from nlp.registry import promoted_version
from training.cli import main
from training.data import Record


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory: pytest.TempPathFactory, small_records: list[Record]) -> Path:
    path = tmp_path_factory.mktemp("data") / "small.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "text", "label"])
        for i, record in enumerate(small_records):
            writer.writerow([f"r{i}", record.text, record.label])
    return path


def test_cli_data_check_accepts_good_data(
    small_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["data", "check", str(small_csv)]) == 0
    out = capsys.readouterr().out
    assert "OK: no problems found" in out
    assert "near-duplicate" in out


def test_cli_data_check_lists_every_bad_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nngập,flooding\n,traffic\ntắc,jam\nngập,flooding\n", "utf-8")
    assert main(["data", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3: empty text" in err
    assert f"{bad}:4: unknown label 'jam'" in err
    assert f"{bad}:5: duplicate text of {bad}:2" in err
    assert "3 problem(s) found" in err


def test_cli_missing_file_is_an_error_not_a_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["data", "check", str(tmp_path / "nope.csv")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "no such file" in err
    assert "Traceback" not in err


def test_cli_train_evaluate_predict(
    small_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    models = tmp_path / "models"
    assert main(["train", "--data", str(small_csv), "--out", str(models), "--folds", "3"]) == 0
    out = capsys.readouterr().out
    assert "macro-F1" in out and "Promoted" in out
    first = promoted_version(models)
    assert first is not None

    assert main(["train", "--data", str(small_csv), "--out", str(models), "--folds", "3"]) == 0
    assert "Promoted" not in capsys.readouterr().out
    assert promoted_version(models) == first, "only the first model is promoted by training"

    model = str(models / first)
    assert main(["evaluate", "--model", model, "--data", str(small_csv), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"accuracy", "macro_f1", "per_label", "confusion"} <= set(report)
    assert set(report["per_label"]) == set(LABELS)
    assert set(report["per_label"]["flooding"]) == {"precision", "recall", "f1", "support"}
    assert len(report["confusion"]) == 6

    assert main(["evaluate", "--model", model, "--data", str(small_csv)]) == 0
    assert "true \\ predicted" in capsys.readouterr().out

    source = tmp_path / "in.csv"
    source.write_text("id,text,note\n1,Đường Láng ngập sâu sau mưa,x\n2,ko ai dọn rác,y\n", "utf-8")
    output = tmp_path / "out.csv"
    assert main(["predict", "--model", model, "--input", str(source), "--output", str(output)]) == 0
    rows = list(csv.DictReader(output.read_text("utf-8").splitlines()))
    assert [row["id"] for row in rows] == ["1", "2"]
    assert list(rows[0]) == [
        "id",
        "text",
        "note",
        "predicted_label",
        "confidence",
        "needs_review",
        "department",
    ]
    assert rows[0]["predicted_label"] == "flooding"
    assert rows[0]["department"] == "so-xay-dung-thoat-nuoc"
    assert rows[0]["needs_review"] in ("true", "false")

    jsonl = tmp_path / "out.jsonl"
    assert main(["predict", "--model", model, "--input", str(source), "--output", str(jsonl)]) == 0
    items = [json.loads(line) for line in jsonl.read_text("utf-8").splitlines()]
    assert items[0]["note"] == "x" and items[0]["predicted_label"] == "flooding"


def test_cli_predict_refuses_bad_input_and_writes_nothing(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,text\n1,ngập\n2,\n", "utf-8")
    output = tmp_path / "out.csv"
    code = main(
        ["predict", "--model", str(model_dir), "--input", str(source), "--output", str(output)]
    )
    assert code == 1
    assert f"{source}:3: empty text" in capsys.readouterr().err
    assert not output.exists()


def test_cli_refuses_a_corrupt_model(
    model_dir: Path, small_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    (broken / "pipeline.joblib").write_bytes(b"garbage")
    assert main(["evaluate", "--model", str(broken), "--data", str(small_csv)]) == 1
    assert "Error: " in capsys.readouterr().err


def test_cli_train_refuses_too_little_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny = tmp_path / "tiny.csv"
    tiny.write_text("text,label\nngập,flooding\ntắc,traffic\n", "utf-8")
    assert main(["train", "--data", str(tiny), "--out", str(tmp_path / "m")]) == 1
    assert "too few" in capsys.readouterr().err
    assert not (tmp_path / "m").exists() or not any((tmp_path / "m").iterdir())


def test_cli_models_list_marks_the_promoted_model(
    models_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "list", "--models-dir", str(models_dir)]) == 0
    out = capsys.readouterr().out
    assert "* " in out and "(* promoted)" in out


def test_cli_console_script_runs_as_a_real_process(model_dir: Path, tmp_path: Path) -> None:
    triage = Path(sys.executable).with_name("triage")
    done = subprocess.run(
        [str(triage), "predict", "--model", str(model_dir), "--input", "-", "--output", "-"],
        input="text\nRác thải bốc mùi hôi thối ở đầu ngõ\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "text,predicted_label,confidence,needs_review,department"
    wrong = subprocess.run([str(triage), "train", "--seed", "x"], capture_output=True, text=True)
    assert wrong.returncode == 2
    assert "invalid int value" in wrong.stderr


def _serve_once(model: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Run `triage serve` on a model it should refuse; fail the test if it starts."""
    triage = Path(sys.executable).with_name("triage")
    return subprocess.run(
        [str(triage), "serve", "--model", str(model), "--port", "1", *options],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("workers", ["1", "2"])
def test_cli_serve_refuses_a_replaced_model_at_once(
    model_dir: Path, tmp_path: Path, workers: str
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    data = (broken / "pipeline.joblib").read_bytes()
    (broken / "pipeline.joblib").write_bytes(data[: len(data) // 2])
    done = _serve_once(broken, "--workers", workers)
    assert done.returncode == 1
    assert "does not match the sha256" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_serve_with_one_worker_refuses_a_model_that_does_not_load(
    model_dir: Path, tmp_path: Path
) -> None:
    # Its checksum matches, so only loading it shows that it is no pipeline.
    foreign = tmp_path / "foreign"
    shutil.copytree(model_dir, foreign)
    joblib.dump({"not": "a pipeline"}, foreign / "pipeline.joblib")
    meta = json.loads((foreign / "meta.json").read_text("utf-8"))
    meta["pipeline_sha256"] = hashlib.sha256((foreign / "pipeline.joblib").read_bytes()).hexdigest()
    (foreign / "meta.json").write_text(json.dumps(meta), "utf-8")
    done = _serve_once(foreign)
    assert done.returncode == 1
    assert "not a pipeline" in done.stderr


def test_cli_serve_checks_a_model_without_loading_scikit_learn(model_dir: Path) -> None:
    # uvicorn's workers import the command's module again: it must stay light.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from training import cli, serve\n"
        "from nlp.model_files import verify_model_files\n"
        f"meta = verify_model_files(Path({str(model_dir)!r}))\n"
        "heavy = {'sklearn', 'sqlalchemy', 'fastapi', 'underthesea'} & set(sys.modules)\n"
        "print(meta['version'], sorted(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [model_dir.name, "[]"]

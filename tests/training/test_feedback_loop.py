"""Corrections as training data, gated promotion, rollback, and crash-safe training."""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nlp.persistence import load_model
from nlp.registry import list_models, promote, promoted_version, read_registry
from service.storage import FeedbackRow, Storage
from training.cli import main
from training.data import Record
from training.feedback import merge_feedback, resolve_feedback

ROOT = Path(__file__).resolve().parents[2]


def _row(i: int, text: str, label: str) -> FeedbackRow:
    return FeedbackRow(i, datetime(2026, 1, 1, tzinfo=UTC), text, label, None, None, None, None)


def test_feedback_latest_correction_of_a_text_wins_and_conflicts_are_listed() -> None:
    resolved = resolve_feedback(
        [
            _row(1, "Đường NGẬP sâu", "traffic"),
            _row(2, "rác bốc mùi", "sanitation"),
            _row(3, "đường ngập sâu", "flooding"),
            _row(4, "rác bốc mùi", "sanitation"),
        ]
    )
    assert [(r.text, r.label, r.id) for r in resolved.records] == [
        ("đường ngập sâu", "flooding", "fb-3"),
        ("rác bốc mùi", "sanitation", "fb-4"),
    ]
    assert [(c.labels, c.chosen) for c in resolved.conflicts] == [
        (["traffic", "flooding"], "flooding")
    ]
    assert resolved.corrections == 4


def test_feedback_replaces_the_label_of_the_same_text_in_the_data() -> None:
    data = [
        Record("Đường ngập sâu", "traffic", None, "1", "d.csv", 2),
        Record("rác", "sanitation", None, "2", "d.csv", 3),
    ]
    fixed = [Record("đường ngập sâu", "flooding", None, "fb-1", "feedback", 1)]
    merged, replaced = merge_feedback(data, fixed)
    assert replaced == 1
    assert [(r.text, r.label) for r in merged] == [
        ("rác", "sanitation"),
        ("đường ngập sâu", "flooding"),
    ]


def test_feedback_export_writes_training_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'fb.db'}"
    storage = Storage(url)
    storage.migrate()
    storage.add_feedback("Xe đỗ chắn cổng trường", "traffic")
    storage.add_feedback("xe đỗ chắn cổng trường", "urban_order")
    storage.close()
    out = tmp_path / "corrections.csv"
    assert main(["feedback", "export", "--out", str(out), "--database-url", url]) == 0
    captured = capsys.readouterr()
    assert "conflict: traffic -> urban_order (kept urban_order)" in captured.err
    rows = list(csv.DictReader(out.read_text("utf-8").splitlines()))
    assert rows == [
        {
            "id": "fb-2",
            "text": "xe đỗ chắn cổng trường",
            "label": "urban_order",
            "source": "feedback",
        }
    ]
    assert main(["data", "check", str(out)]) == 0


def _copy_as(model_dir: Path, folder: Path, version: str) -> None:
    shutil.copytree(model_dir, folder / version)
    meta_path = folder / version / "meta.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["version"] = version
    meta_path.write_text(json.dumps(meta), "utf-8")


def test_promotion_is_gated_recorded_and_can_be_rolled_back(
    model_dir: Path, tmp_path: Path, small_records: list[Record], capsys: pytest.CaptureFixture[str]
) -> None:
    models = tmp_path / "models"
    _copy_as(model_dir, models, "good")
    promote(models, "good", reason="first")
    eval_file = tmp_path / "eval.csv"
    eval_file.write_text(
        "text,label\n"
        + "".join(f'"{r.text.replace(chr(34), chr(39))}",{r.label}\n' for r in small_records[::4]),
        "utf-8",
    )
    # A candidate that is clearly worse: the same model with its labels swapped around.
    _copy_as(model_dir, models, "worse")
    model = load_model(models / "worse")
    clf = model.pipeline.named_steps["clf"]
    clf.estimator_.classes_ = clf.classes_ = clf.classes_[::-1].copy()
    from nlp.persistence import save_model

    shutil.rmtree(models / "worse")
    save_model(model.pipeline, {"name": "worse"}, models, "worse")
    base = [
        "models",
        "promote",
        "worse",
        "--models-dir",
        str(models),
        "--eval-data",
        str(eval_file),
    ]

    assert main(base) == 1
    out, err = capsys.readouterr()
    assert "worse scores macro-F1" in out and "good scores" in out
    assert "not promoted" in err
    assert promoted_version(models) == "good"

    assert main([*base, "--force"]) == 0
    assert "by force" in capsys.readouterr().out
    assert promoted_version(models) == "worse"
    decisions = read_registry(models)["decisions"]
    assert [(d["candidate"], d["promoted"], d["forced"]) for d in decisions] == [
        ("worse", False, False),
        ("worse", True, True),
    ]
    assert decisions[0]["candidate_macro_f1"] < decisions[0]["current_macro_f1"]

    assert main(["models", "rollback", "--models-dir", str(models)]) == 0
    assert "Rolled back from worse to good" in capsys.readouterr().out
    assert promoted_version(models) == "good"


def test_rollback_with_no_history_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "rollback", "--models-dir", str(tmp_path)]) == 1
    assert "nothing to roll back to" in capsys.readouterr().err


@pytest.mark.slow
def test_training_killed_part_way_leaves_no_model_behind(tmp_path: Path) -> None:
    models = tmp_path / "models"
    triage = Path(sys.executable).with_name("triage")
    process = subprocess.Popen(
        [str(triage), "train", "--data", str(ROOT / "data" / "train.csv"), "--out", str(models)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    # Kill it while it writes: as soon as the staging folder appears, or mid-training.
    while time.monotonic() < deadline and process.poll() is None:
        if models.is_dir() and any(p.name.endswith(".partial") for p in models.iterdir()):
            break
        time.sleep(0.01)
    assert process.poll() is None, "training finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert promoted_version(models) is None
    assert list_models(models) == []
    visible = [p for p in models.iterdir() if not p.name.startswith(".")] if models.exists() else []
    assert visible == []

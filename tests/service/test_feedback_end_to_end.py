"""The data team's loop, end to end, through the real CLI and a real uvicorn process:
classify a complaint the model gets wrong, correct it, export, retrain with feedback,
promote, reload, and the same complaint now routes as corrected."""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from nlp.registry import list_models, promoted_version
from training.data import Record, load_records

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "loop-token"
pytestmark = pytest.mark.slow


def _call(url: str, body: object | None = None, token: str | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    headers = {"content-type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, headers=headers, method="POST" if data or token else "GET"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _write(path: Path, records: list[Record]) -> None:
    lines = [f'"{r.text.replace(chr(34), chr(39))}",{r.label}\n' for r in records]
    path.write_text("text,label\n" + "".join(lines), "utf-8")


def test_correction_reaches_the_served_model(
    tmp_path: Path,
    small_records: list[Record],
    start_service: Callable[..., AbstractContextManager[str]],
) -> None:
    triage = str(Path(sys.executable).with_name("triage"))
    train_file, eval_file = tmp_path / "train.csv", tmp_path / "eval.csv"
    _write(train_file, small_records)
    _write(eval_file, small_records[::5])
    env = {
        **os.environ,
        "TRIAGE_MODELS_DIR": str(tmp_path / "models"),
        "TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'triage.db'}",
        "TRIAGE_ADMIN_TOKEN": TOKEN,
        "TRIAGE_ROUTING_PATH": str(ROOT / "data" / "routing.json"),
        "TRIAGE_EVAL_DATA": json.dumps([str(eval_file)]),
    }

    def run(*args: str) -> str:
        done = subprocess.run([triage, *args], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("train", "--data", str(train_file), "--folds", "3")
    first = promoted_version(tmp_path / "models")
    with start_service([], env) as base:
        # A held-out complaint the small model routes wrongly.
        wrong = None
        for record in load_records([ROOT / "data" / "test.csv"]).records[:300]:
            status, answer = _call(f"{base}/v1/classify", {"text": record.text})
            assert status == 200
            if answer["label"] != record.label:
                wrong = (record, answer["label"])
                break
        assert wrong is not None, "the small model got 300 held-out complaints right"
        record, predicted = wrong

        status, stored = _call(
            f"{base}/v1/feedback",
            {"text": record.text, "correct_label": record.label, "predicted_label": predicted},
        )
        assert status == 201 and stored["id"] > 0

        exported = tmp_path / "corrections.csv"
        assert "1 corrected complaints" in run("feedback", "export", "--out", str(exported))
        assert record.label in exported.read_text("utf-8")

        run("train", "--data", str(train_file), "--folds", "3", "--feedback")
        second = next(m.version for m in list_models(tmp_path / "models") if m.version != first)
        assert promoted_version(tmp_path / "models") == first, "retraining does not promote"
        run("models", "promote", second, "--margin", "0.05")
        assert promoted_version(tmp_path / "models") == second

        # Requests keep flowing while the model is swapped: none may fail.
        statuses: list[int] = []
        stop = threading.Event()

        def hammer() -> None:
            while not stop.is_set():
                statuses.append(_call(f"{base}/v1/classify", {"text": record.text})[0])

        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        status, reloaded = _call(f"{base}/v1/admin/reload", {}, token=TOKEN)
        time.sleep(0.3)
        stop.set()
        for thread in threads:
            thread.join()
        assert len(statuses) > 20 and set(statuses) == {200}
        assert status == 200
        assert reloaded == {"model_version": second, "previous_version": first}
        status, answer = _call(f"{base}/v1/classify", {"text": record.text})
        assert status == 200
        assert answer["model_version"] == second
        assert answer["label"] == record.label, f"still routed to {answer['label']}"

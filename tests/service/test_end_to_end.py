"""End to end: train with the real CLI, serve with a real uvicorn process, ask over HTTP."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from nlp.registry import promoted_version

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _request(url: str, body: object | None = None) -> tuple[int, dict[str, object]]:
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
    small_records: list[object],
    start_service: Callable[..., AbstractContextManager[str]],
) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("e2e")
    data = workdir / "small.csv"
    data.write_text(
        "text,label\n"
        + "".join(
            f'"{r.text.replace(chr(34), chr(39))}",{r.label}\n'  # type: ignore[attr-defined]
            for r in small_records
        ),
        "utf-8",
    )
    triage = str(Path(sys.executable).with_name("triage"))
    env = {
        **os.environ,
        "TRIAGE_MODELS_DIR": str(workdir / "models"),
        "TRIAGE_ROUTING_PATH": str(ROOT / "data" / "routing.json"),
    }
    trained = subprocess.run(
        [triage, "train", "--data", str(data), "--folds", "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert trained.returncode == 0, trained.stderr
    assert promoted_version(workdir / "models") is not None
    with start_service([], env) as base:
        yield base


def test_end_to_end_classify_over_http(served: str) -> None:
    status, body = _request(
        f"{served}/v1/classify", {"text": "Đường Láng ngập sâu sau mưa, xe chết máy hàng loạt"}
    )
    assert status == 200
    assert body["label"] == "flooding"
    assert body["department"]["id"] == "so-xay-dung-thoat-nuoc"  # type: ignore[index]


def test_end_to_end_batch_and_errors_over_http(served: str) -> None:
    status, body = _request(
        f"{served}/v1/classify/batch",
        {"items": [{"id": "1", "text": "rác thải bốc mùi"}, {"id": "2", "text": "tắc đường"}]},
    )
    assert status == 200
    assert [r["id"] for r in body["results"]] == ["1", "2"]  # type: ignore[attr-defined]
    status, body = _request(f"{served}/v1/classify", {"text": ""})
    assert status == 422
    assert "must not be empty" in json.dumps(body)

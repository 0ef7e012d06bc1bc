"""Shared fixtures: a tiny model trained once per session, and an app serving it."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from nlp.labels import LABELS
from nlp.model import Classifier
from nlp.persistence import load_model
from nlp.registry import promoted_version
from nlp.settings import Settings
from service.app import create_app
from training.data import Record, load_records
from training.train import train_model

ROOT = Path(__file__).resolve().parent.parent
TRAIN_FILE = ROOT / "data" / "train.csv"
ROUTING_FILE = ROOT / "data" / "routing.json"
PER_LABEL = 60


@pytest.fixture(scope="session")
def small_records() -> list[Record]:
    """The first rows of each label of the project's training file: enough to learn from."""
    records = load_records([TRAIN_FILE]).records
    chosen: list[Record] = []
    for label in LABELS:
        chosen.extend([r for r in records if r.label == label][:PER_LABEL])
    return chosen


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory, small_records: list[Record]) -> Path:
    """A models folder holding one small promoted model."""
    folder = tmp_path_factory.mktemp("models")
    train_model(small_records, folder, seed=0, folds=3)
    return folder


@pytest.fixture(scope="session")
def model_dir(models_dir: Path) -> Path:
    """The small model's own folder."""
    version = promoted_version(models_dir)
    assert version is not None
    return models_dir / version


@pytest.fixture(scope="session")
def classifier(model_dir: Path) -> Classifier:
    """The small model, loaded."""
    return load_model(model_dir)


def _postgres_url() -> str:
    url = os.environ.get("TRIAGE_TEST_DATABASE_URL")
    if not url:
        reason = os.environ.get(
            "TRIAGE_TEST_POSTGRES_UNAVAILABLE",
            "no PostgreSQL server: set TRIAGE_TEST_DATABASE_URL (bash .ci/postgres.sh starts one)",
        )
        pytest.skip(reason)
    return url


def _empty(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for table in ("feedback", "predictions", "open311_requests", "alembic_version"):
            connection.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: an SQLite file, then the PostgreSQL server CI starts."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'triage.db'}"
        return
    url = _postgres_url()
    _empty(url)
    yield url
    _empty(url)


@pytest.fixture
def settings(models_dir: Path, model_dir: Path, tmp_path: Path) -> Settings:
    """Service settings pointing at the small model, the routing table and a fresh SQLite."""
    return Settings(
        models_dir=models_dir,
        model_path=model_dir,
        routing_path=ROUTING_FILE,
        database_url=f"sqlite:///{tmp_path / 'service.db'}",
        admin_token="s3cret-token",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """A client of an app whose lifespan has run (the model is loaded)."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client


ServiceStarter = Callable[[Sequence[str], Mapping[str, str]], AbstractContextManager[str]]


@contextmanager
def _running_service(args: Sequence[str], env: Mapping[str, str]) -> Iterator[str]:
    """Run `triage serve ARGS` on a free loopback port; yield its base URL once ready."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    triage = str(Path(sys.executable).with_name("triage"))
    environment = {"TRIAGE_ROUTING_PATH": str(ROUTING_FILE), **os.environ, **env}
    server = subprocess.Popen(
        [triage, "serve", *args, "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                errors = server.stderr.read() if server.stderr else ""
                pytest.fail(f"the service did not become ready:\n{errors[-3000:]}")
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr:
            server.stderr.close()


@pytest.fixture(scope="session")
def start_service() -> ServiceStarter:
    """Start the real service (`triage serve` under uvicorn) for end-to-end tests."""
    return _running_service

"""Shared fixtures: a tiny model trained once per session, and an app serving it."""

import os
from collections.abc import Iterator
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

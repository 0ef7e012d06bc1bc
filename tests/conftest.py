"""Shared fixtures: a tiny model trained once per session, and an app serving it."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nlp.labels import LABELS
from nlp.model import Classifier
from nlp.persistence import load_model
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
    return next(path for path in models_dir.iterdir() if (path / "meta.json").is_file())


@pytest.fixture(scope="session")
def classifier(model_dir: Path) -> Classifier:
    """The small model, loaded."""
    return load_model(model_dir)


@pytest.fixture
def settings(models_dir: Path, model_dir: Path) -> Settings:
    """Service settings pointing at the small model and the project's routing table."""
    return Settings(models_dir=models_dir, model_path=model_dir, routing_path=ROUTING_FILE)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """A client of an app whose lifespan has run (the model is loaded)."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client

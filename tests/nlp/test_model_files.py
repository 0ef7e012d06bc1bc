"""Checking a model folder by its files alone, as `triage serve` does before workers start."""

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from nlp.errors import IncompatibleModelError, ModelLoadError
from nlp.model_files import (
    INVARIANT_FILE,
    META_FILE,
    PIPELINE_FILE,
    file_sha256,
    verify_model_files,
)
from nlp.persistence import load_model


@pytest.fixture
def model_copy(model_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / model_dir.name
    shutil.copytree(model_dir, copy)
    return copy


def _set_version(folder: Path, library: str, version: str) -> None:
    meta = json.loads((folder / META_FILE).read_text("utf-8"))
    meta["versions"][library] = version
    (folder / META_FILE).write_text(json.dumps(meta), "utf-8")


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


def test_model_files_verify_returns_the_meta_of_a_sound_model(model_copy: Path) -> None:
    meta = verify_model_files(model_copy)
    assert meta["version"] == model_copy.name
    assert meta["pipeline_sha256"] == file_sha256(model_copy / PIPELINE_FILE)


@pytest.mark.parametrize(
    ("damage", "error", "message"),
    [
        (lambda f: _truncate(f / PIPELINE_FILE), ModelLoadError, "does not match the sha256"),
        (lambda f: _truncate(f / INVARIANT_FILE), ModelLoadError, "does not match the sha256"),
        (lambda f: (f / INVARIANT_FILE).unlink(), ModelLoadError, f"no {INVARIANT_FILE}"),
        (lambda f: (f / META_FILE).unlink(), ModelLoadError, "not a triage model"),
        (
            lambda f: _set_version(f, "scikit_learn", "0.24.2"),
            IncompatibleModelError,
            r"scikit_learn 0\.24\.2",
        ),
        (lambda f: _set_version(f, "numpy", "1.26.4"), IncompatibleModelError, r"numpy 1\.26\.4"),
    ],
    ids=["truncated", "invariant replaced", "invariant missing", "no meta", "sklearn", "numpy"],
)
def test_model_files_verify_refuses_what_the_files_show(
    model_copy: Path,
    damage: Callable[[Path], None],
    error: type[Exception],
    message: str,
) -> None:
    damage(model_copy)
    with pytest.raises(error, match=message):
        verify_model_files(model_copy)


def test_model_files_verify_never_unpickles(model_copy: Path) -> None:
    # A file that matches its recorded checksum passes; only loading finds it is no pickle.
    (model_copy / PIPELINE_FILE).write_bytes(b"not a pickle at all")
    meta_path = model_copy / META_FILE
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["pipeline_sha256"] = file_sha256(model_copy / PIPELINE_FILE)
    meta_path.write_text(json.dumps(meta), "utf-8")
    assert verify_model_files(model_copy)["version"] == model_copy.name
    with pytest.raises(ModelLoadError, match="cannot be loaded"):
        load_model(model_copy)

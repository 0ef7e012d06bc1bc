"""The models folder registry: which version is promoted."""

import shutil
from pathlib import Path

import pytest

from nlp.errors import ModelLoadError
from nlp.registry import list_models, promote, promoted_version, read_registry, resolve_model_dir


def test_registry_first_trained_model_is_promoted(models_dir: Path, model_dir: Path) -> None:
    assert promoted_version(models_dir) == model_dir.name
    assert resolve_model_dir(models_dir) == model_dir


def test_registry_empty_folder_has_no_promoted_model(tmp_path: Path) -> None:
    assert promoted_version(tmp_path) is None
    with pytest.raises(ModelLoadError, match="no model is promoted"):
        resolve_model_dir(tmp_path)


def test_registry_explicit_model_wins(tmp_path: Path) -> None:
    assert resolve_model_dir(tmp_path, tmp_path / "x") == tmp_path / "x"


def test_registry_promote_records_history(tmp_path: Path, model_dir: Path) -> None:
    shutil.copytree(model_dir, tmp_path / "a")
    shutil.copytree(model_dir, tmp_path / "b")
    promote(tmp_path, "a", reason="first")
    promote(tmp_path, "b", reason="better")
    registry = read_registry(tmp_path)
    assert registry["promoted"] == "b"
    assert [h["version"] for h in registry["history"]] == ["a", "b"]
    assert registry["history"][1]["previous"] == "a"
    assert [entry.promoted for entry in list_models(tmp_path)] == [False, True]


def test_registry_refuses_to_promote_a_missing_version(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError):
        promote(tmp_path, "ghost", reason="typo")
    assert promoted_version(tmp_path) is None


def test_registry_unreadable_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "registry.json").write_text("[1, 2", "utf-8")
    with pytest.raises(ModelLoadError, match="cannot be read"):
        promoted_version(tmp_path)

"""Model folders: saved atomically, refused with a clear reason when wrong."""

import json
import shutil
from pathlib import Path

import joblib
import pytest

from nlp.errors import IncompatibleModelError, ModelLoadError
from nlp.model import Classifier
from nlp.model_files import INVARIANT_FILE, META_FILE, PIPELINE_FILE, file_sha256
from nlp.persistence import load_model, save_model

SAMPLES = ["Đường Láng ngập sâu sau mưa", "rác thải bốc mùi hôi thối", "tắc đường kinh khủng"]


@pytest.fixture
def model_copy(model_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(model_dir, copy)
    return copy


def _edit_meta(folder: Path, **changes: object) -> None:
    meta = json.loads((folder / META_FILE).read_text("utf-8"))
    meta.update(changes)
    (folder / META_FILE).write_text(json.dumps(meta), "utf-8")


def test_persistence_save_load_predict_gives_the_same_answers(
    classifier: Classifier, tmp_path: Path
) -> None:
    path = save_model(
        classifier.pipeline, {"name": "copy"}, tmp_path, "v1", invariant=classifier.invariant
    )
    reloaded = load_model(path)
    assert reloaded.invariant is not None
    for text in [*SAMPLES, "duong lang ngap sau sau mua"]:
        assert reloaded.predict_one(text).scores == classifier.predict_one(text).scores


def test_persistence_loads_a_model_without_the_invariant_pipeline(
    classifier: Classifier, tmp_path: Path
) -> None:
    path = save_model(classifier.pipeline, {"name": "main only"}, tmp_path, "v1")
    assert not (path / INVARIANT_FILE).exists()
    reloaded = load_model(path)
    assert reloaded.invariant is None
    assert reloaded.predict_one(SAMPLES[0]).label in classifier.meta["labels"]


def test_persistence_refuses_a_replaced_invariant_pipeline(model_copy: Path) -> None:
    (model_copy / INVARIANT_FILE).write_bytes(b"not a pickle at all")
    with pytest.raises(ModelLoadError, match="does not match the sha256"):
        load_model(model_copy)


def test_persistence_refuses_a_missing_invariant_pipeline(model_copy: Path) -> None:
    (model_copy / INVARIANT_FILE).unlink()
    with pytest.raises(ModelLoadError, match=f"no {INVARIANT_FILE}"):
        load_model(model_copy)


def test_persistence_meta_records_what_made_the_model(model_dir: Path) -> None:
    meta = json.loads((model_dir / META_FILE).read_text("utf-8"))
    for key in ("name", "version", "created_at", "labels", "metrics", "params", "versions"):
        assert key in meta
    assert meta["training_data"]["sha256"]
    assert meta["pipeline_sha256"] == file_sha256(model_dir / PIPELINE_FILE)
    assert meta["invariant_sha256"] == file_sha256(model_dir / INVARIANT_FILE)
    assert meta["accent_invariant"]["params"]["syllable_ngram_max"] == 2
    assert {"python", "scikit_learn", "underthesea"} <= set(meta["versions"])


def test_persistence_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="no model folder"):
        load_model(tmp_path / "nothing")


def test_persistence_refuses_a_folder_without_meta(model_copy: Path) -> None:
    (model_copy / META_FILE).unlink()
    with pytest.raises(ModelLoadError, match="not a triage model"):
        load_model(model_copy)


def test_persistence_refuses_a_truncated_pipeline(model_copy: Path) -> None:
    data = (model_copy / PIPELINE_FILE).read_bytes()
    (model_copy / PIPELINE_FILE).write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelLoadError, match="truncated, corrupt or was replaced"):
        load_model(model_copy)


def test_persistence_refuses_a_corrupt_pickle_even_with_a_matching_checksum(
    model_copy: Path,
) -> None:
    (model_copy / PIPELINE_FILE).write_bytes(b"not a pickle at all")
    _edit_meta(model_copy, pipeline_sha256=file_sha256(model_copy / PIPELINE_FILE))
    with pytest.raises(ModelLoadError, match="cannot be loaded"):
        load_model(model_copy)


def test_persistence_refuses_a_foreign_object(model_copy: Path) -> None:
    joblib.dump({"not": "a pipeline"}, model_copy / PIPELINE_FILE)
    _edit_meta(model_copy, pipeline_sha256=file_sha256(model_copy / PIPELINE_FILE))
    with pytest.raises(ModelLoadError, match="not a pipeline"):
        load_model(model_copy)


def test_persistence_refuses_a_foreign_meta(model_copy: Path) -> None:
    _edit_meta(model_copy, format="someone-elses-model")
    with pytest.raises(IncompatibleModelError, match="not a triage model"):
        load_model(model_copy)


def test_persistence_refuses_a_newer_format(model_copy: Path) -> None:
    _edit_meta(model_copy, format_version=99)
    with pytest.raises(IncompatibleModelError, match="format version 99"):
        load_model(model_copy)


def test_persistence_refuses_another_scikit_learn_version(model_copy: Path) -> None:
    meta = json.loads((model_copy / META_FILE).read_text("utf-8"))
    meta["versions"]["scikit_learn"] = "0.24.2"
    (model_copy / META_FILE).write_text(json.dumps(meta), "utf-8")
    with pytest.raises(IncompatibleModelError, match=r"scikit_learn 0\.24\.2"):
        load_model(model_copy)


def test_persistence_refuses_unreadable_meta(model_copy: Path) -> None:
    (model_copy / META_FILE).write_text("{ not json", "utf-8")
    with pytest.raises(ModelLoadError, match="cannot be read"):
        load_model(model_copy)


def test_persistence_refuses_to_overwrite_a_version(classifier: Classifier, tmp_path: Path) -> None:
    save_model(classifier.pipeline, {}, tmp_path, "v1")
    with pytest.raises(FileExistsError):
        save_model(classifier.pipeline, {}, tmp_path, "v1")


def test_persistence_failed_save_leaves_nothing_behind(
    classifier: Classifier, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("nlp.persistence.joblib.dump", disk_full)
    with pytest.raises(OSError, match="No space left"):
        save_model(classifier.pipeline, {}, tmp_path, "v1")
    assert list(tmp_path.iterdir()) == []

"""Saving a model folder atomically, and loading it once its files check out.

The folder's layout and the checks that need no unpickling (meta.json, library versions,
checksums) live in `nlp.model_files`; this module adds what needs scikit-learn: writing
the pipelines and unpickling them.
"""

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import joblib
from sklearn.pipeline import Pipeline

from nlp.errors import ModelLoadError
from nlp.labels import LABELS
from nlp.model import Classifier
from nlp.model_files import (
    FORMAT_VERSION,
    INVARIANT_FILE,
    META_FILE,
    MODEL_FORMAT,
    PIPELINE_FILE,
    file_sha256,
    library_versions,
    verify_model_files,
)


def _fsync_path(path: Path) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def save_model(
    pipeline: Pipeline,
    meta: Mapping[str, Any],
    models_dir: Path,
    version: str,
    write_extra: Callable[[Path, dict[str, Any]], None] | None = None,
    invariant: Pipeline | None = None,
) -> Path:
    """Write a model folder `models_dir/version` atomically and return its path.

    The folder is built under a temporary name, every file is fsynced, and only then is
    it renamed into place: a crash or a full disk part-way leaves no half-written model
    under a real version name.

    Args:
        pipeline: the fitted pipeline.
        meta: what to record (metrics, params, data fingerprint...); format fields,
            library versions and the pipeline's sha256 are added here.
        models_dir: the folder that holds all model versions.
        version: the new folder's name; must not exist yet.
        write_extra: called with the staging folder and the full meta to add files of the
            caller's own (a model card) before the folder is made final.
        invariant: the fitted accent-invariant pipeline, saved beside the main one.

    Raises:
        FileExistsError: a model with that version already exists.
        OSError: the folder could not be written (for example, the disk is full).
    """
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / version
    if target.exists():
        raise FileExistsError(f"model {version} already exists in {models_dir}")
    staging = Path(tempfile.mkdtemp(prefix=f".{version}.", suffix=".partial", dir=models_dir))
    try:
        pipeline_path = staging / PIPELINE_FILE
        joblib.dump(pipeline, pipeline_path)
        extra_files: dict[str, Any] = {}
        if invariant is not None:
            joblib.dump(invariant, staging / INVARIANT_FILE)
            extra_files["invariant_sha256"] = file_sha256(staging / INVARIANT_FILE)
        full_meta = {
            "format": MODEL_FORMAT,
            "format_version": FORMAT_VERSION,
            **meta,
            "version": version,
            "labels": list(LABELS),
            "versions": library_versions(),
            "pipeline_sha256": file_sha256(pipeline_path),
            **extra_files,
        }
        meta_path = staging / META_FILE
        meta_path.write_text(json.dumps(full_meta, ensure_ascii=False, indent=2) + "\n", "utf-8")
        if write_extra is not None:
            write_extra(staging, full_meta)
        for path in (*staging.iterdir(), staging):
            _fsync_path(path)
        staging.rename(target)
        _fsync_path(models_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _unpickle_pipeline(path: Path) -> Pipeline:
    """Unpickle one pipeline file that `verify_model_files` has already checked.

    Raises:
        ModelLoadError: the file does not unpickle, or does not hold a pipeline.
    """
    try:
        pipeline = joblib.load(path)
    except Exception as error:  # unpickling can fail in many ways; all mean "corrupt"
        raise ModelLoadError(f"{path} cannot be loaded: {error}") from error
    if not isinstance(pipeline, Pipeline):
        raise ModelLoadError(f"{path} holds a {type(pipeline).__name__}, not a pipeline")
    return pipeline


def load_model(model_dir: Path) -> Classifier:
    """Load a model folder after checking its meta.json, versions and pipeline checksums.

    joblib files can run code when loaded, so nothing is unpickled until every file
    matches the sha256 recorded in meta.json.

    Raises:
        ModelLoadError: missing, truncated or corrupt model.
        IncompatibleModelError: a model from another format or library version.
    """
    meta = verify_model_files(model_dir)
    pipeline = _unpickle_pipeline(model_dir / PIPELINE_FILE)
    invariant = None
    if "invariant_sha256" in meta:
        invariant = _unpickle_pipeline(model_dir / INVARIANT_FILE)
    return Classifier(pipeline, meta, invariant)

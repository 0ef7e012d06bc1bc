"""A model is a folder: `pipeline.joblib` plus the `meta.json` that describes it.

A model may also hold `invariant.joblib`, the accent-invariant second pipeline (see
`nlp.accents`); meta.json then records its sha256 too, and models without it still load.

meta.json records what made the model (data fingerprint, parameters, library versions)
and the sha256 of the pipeline file. Loading reads and checks meta.json before touching
the pickle, so a truncated, foreign or mismatched model is refused with a message that
says what is wrong instead of failing somewhere inside unpickling.
"""

import hashlib
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any, Final

import joblib
from sklearn.pipeline import Pipeline

from nlp.errors import IncompatibleModelError, ModelLoadError
from nlp.labels import LABELS
from nlp.model import Classifier

MODEL_FORMAT: Final = "triage-model"
FORMAT_VERSION: Final = 1
PIPELINE_FILE: Final = "pipeline.joblib"
INVARIANT_FILE: Final = "invariant.joblib"
META_FILE: Final = "meta.json"
_REQUIRED_META: Final = ("format", "format_version", "version", "labels", "pipeline_sha256")


def library_versions() -> dict[str, str]:
    """The versions a pickled pipeline depends on, as recorded in meta.json."""
    return {
        "python": platform.python_version(),
        "scikit_learn": metadata.version("scikit-learn"),
        "underthesea": metadata.version("underthesea"),
        "numpy": metadata.version("numpy"),
        "joblib": metadata.version("joblib"),
    }


def file_sha256(path: Path) -> str:
    """The hex sha256 of a file, read in chunks so large models do not fill memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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


def read_meta(model_dir: Path) -> dict[str, Any]:
    """Read and check a model folder's meta.json without loading the pipeline.

    Raises:
        ModelLoadError: the folder or meta.json is missing, unreadable or incomplete.
        IncompatibleModelError: meta.json is not of a format this code reads.
    """
    if not model_dir.is_dir():
        raise ModelLoadError(f"no model folder at {model_dir}")
    meta_path = model_dir / META_FILE
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except FileNotFoundError:
        raise ModelLoadError(f"{model_dir} has no {META_FILE}: not a triage model") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelLoadError(f"{meta_path} cannot be read: {error}") from error
    if not isinstance(meta, dict):
        raise ModelLoadError(f"{meta_path} does not hold a JSON object")
    if meta.get("format") != MODEL_FORMAT:
        raise IncompatibleModelError(f"{model_dir} is not a triage model (format is missing)")
    if meta.get("format_version") != FORMAT_VERSION:
        raise IncompatibleModelError(
            f"{model_dir} has model format version {meta.get('format_version')!r}; "
            f"this code reads version {FORMAT_VERSION}"
        )
    missing = [key for key in _REQUIRED_META if key not in meta]
    if missing:
        raise ModelLoadError(f"{meta_path} lacks {', '.join(missing)}")
    return meta


def check_compatible(meta: Mapping[str, Any]) -> None:
    """Refuse a model whose pickle was written by library versions unsafe to load here.

    scikit-learn must match exactly (its pickles are not portable across versions);
    underthesea and Python must match in major.minor (segmentation and pickling change
    between them).

    Raises:
        IncompatibleModelError: naming each mismatched library.
    """
    recorded = meta.get("versions") or {}
    current = library_versions()
    rules = {"scikit_learn": 3, "underthesea": 2, "python": 2}
    problems: list[str] = []
    for library, parts in rules.items():
        wanted = str(recorded.get(library, "unknown"))
        have = current[library]
        if wanted.split(".")[:parts] != have.split(".")[:parts]:
            problems.append(f"{library} {wanted} (this environment has {have})")
    if problems:
        raise IncompatibleModelError(
            "the model was trained with " + "; ".join(problems) + ": retrain it here"
        )
    if list(meta.get("labels", [])) != list(LABELS):
        raise IncompatibleModelError(f"the model's labels {meta.get('labels')} are not {LABELS}")


def _load_pipeline(path: Path, sha256: str) -> Pipeline:
    """Unpickle one pipeline file once its sha256 matches the one meta.json recorded.

    Raises:
        ModelLoadError: the file is missing, does not match, or does not hold a pipeline.
    """
    if not path.is_file():
        raise ModelLoadError(f"{path.parent} has no {path.name}")
    if file_sha256(path) != sha256:
        raise ModelLoadError(
            f"{path} does not match the sha256 in {META_FILE}: "
            "the file is truncated, corrupt or was replaced"
        )
    try:
        pipeline = joblib.load(path)
    except Exception as error:  # unpickling can fail in many ways; all mean "corrupt"
        raise ModelLoadError(f"{path} cannot be loaded: {error}") from error
    if not isinstance(pipeline, Pipeline):
        raise ModelLoadError(f"{path} holds a {type(pipeline).__name__}, not a pipeline")
    return pipeline


def load_model(model_dir: Path) -> Classifier:
    """Load a model folder after checking its meta.json, versions and pipeline checksum.

    joblib files can run code when loaded, so the pipeline is unpickled only once its
    sha256 matches the one recorded in meta.json.

    Raises:
        ModelLoadError: missing, truncated or corrupt model.
        IncompatibleModelError: a model from another format or library version.
    """
    meta = read_meta(model_dir)
    check_compatible(meta)
    pipeline = _load_pipeline(model_dir / PIPELINE_FILE, meta["pipeline_sha256"])
    invariant = None
    if "invariant_sha256" in meta:
        invariant = _load_pipeline(model_dir / INVARIANT_FILE, meta["invariant_sha256"])
    return Classifier(pipeline, meta, invariant)

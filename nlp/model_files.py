"""The files of a model folder, checked without loading the model.

A model is a folder: `pipeline.joblib`, optionally `invariant.joblib` (the
accent-invariant second pipeline, see `nlp.accents`), and the `meta.json` that describes
them: what made the model (data fingerprint, parameters, library versions) and the
sha256 of each pipeline file.

Everything here reads JSON and hashes bytes; nothing imports scikit-learn or unpickles.
So `triage serve` can refuse a truncated, foreign or mismatched model at once, with a
message that says what is wrong, before it starts workers that load it for real
(`nlp.persistence`).
"""

import hashlib
import json
import platform
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any, Final

from nlp.errors import IncompatibleModelError, ModelLoadError
from nlp.labels import LABELS

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
    between them), and numpy in its major version (numpy 2 moved the modules its
    arrays pickle by).

    Raises:
        IncompatibleModelError: naming each mismatched library.
    """
    recorded = meta.get("versions") or {}
    current = library_versions()
    rules = {"scikit_learn": 3, "underthesea": 2, "python": 2, "numpy": 1}
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


def verify_model_files(model_dir: Path) -> dict[str, Any]:
    """Check a model folder as far as possible without unpickling it; return its meta.

    Reads meta.json, checks the library versions, and checks that every pipeline file
    the meta names is present and matches its recorded sha256. joblib files can run code
    when loaded, so nothing may unpickle one before this passes.

    Raises:
        ModelLoadError: missing, truncated, corrupt or replaced files.
        IncompatibleModelError: a model from another format or library version.
    """
    meta = read_meta(model_dir)
    check_compatible(meta)
    checksums = {PIPELINE_FILE: meta["pipeline_sha256"]}
    if "invariant_sha256" in meta:
        checksums[INVARIANT_FILE] = meta["invariant_sha256"]
    for name, sha256 in checksums.items():
        path = model_dir / name
        if not path.is_file():
            raise ModelLoadError(f"{model_dir} has no {name}")
        if file_sha256(path) != sha256:
            raise ModelLoadError(
                f"{path} does not match the sha256 in {META_FILE}: "
                "the file is truncated, corrupt or was replaced"
            )
    return meta

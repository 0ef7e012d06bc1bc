"""The models folder: one sub-folder per version and `registry.json` naming the promoted one.

The registry file is small and is always replaced whole (write, fsync, rename), so a
reader sees either the old or the new promotion, never a half-written one.
"""

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from nlp.errors import ModelLoadError
from nlp.model_files import META_FILE, read_meta

REGISTRY_FILE: Final = "registry.json"


@dataclass(frozen=True)
class ModelEntry:
    """One model version found in the models folder."""

    version: str
    path: Path
    meta: dict[str, Any]
    promoted: bool


def read_registry(models_dir: Path) -> dict[str, Any]:
    """The registry's content: `{"promoted": version or None, "history": [...]}`.

    Raises:
        ModelLoadError: registry.json exists but cannot be read.
    """
    path = models_dir / REGISTRY_FILE
    try:
        registry = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {"promoted": None, "history": []}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelLoadError(f"{path} cannot be read: {error}") from error
    if not isinstance(registry, dict):
        raise ModelLoadError(f"{path} does not hold a JSON object")
    registry.setdefault("promoted", None)
    registry.setdefault("history", [])
    return registry


def promoted_version(models_dir: Path) -> str | None:
    """The version currently promoted, or None when no model has been promoted yet."""
    promoted = read_registry(models_dir).get("promoted")
    return str(promoted) if promoted else None


def resolve_model_dir(models_dir: Path, model: Path | None = None) -> Path:
    """The model folder to use: `model` if given, else the promoted one.

    Raises:
        ModelLoadError: no model was named and none is promoted.
    """
    if model is not None:
        return model
    version = promoted_version(models_dir)
    if version is None:
        raise ModelLoadError(f"no model is promoted in {models_dir}: train one with `triage train`")
    return models_dir / version


def write_registry(models_dir: Path, registry: dict[str, Any]) -> None:
    """Replace registry.json atomically (temporary file, fsync, rename)."""
    models_dir.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".registry.", dir=models_dir)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(registry, stream, ensure_ascii=False, indent=2)
            stream.write("\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, models_dir / REGISTRY_FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def promote(models_dir: Path, version: str, reason: str) -> None:
    """Make `version` the promoted model and record why in the history.

    Promoting the version that is already promoted changes nothing.

    Raises:
        ModelLoadError: `version` is not a readable model folder in `models_dir`.
    """
    read_meta(models_dir / version)
    registry = read_registry(models_dir)
    if registry.get("promoted") == version:
        return  # already promoted: nothing changes, and rollback history stays meaningful
    registry["history"].append(
        {
            "version": version,
            "previous": registry.get("promoted"),
            "promoted_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "reason": reason,
        }
    )
    registry["promoted"] = version
    write_registry(models_dir, registry)


def record_decision(models_dir: Path, decision: dict[str, Any]) -> None:
    """Append a promotion decision (accepted or refused, with its scores) to the registry."""
    registry = read_registry(models_dir)
    registry.setdefault("decisions", []).append(decision)
    write_registry(models_dir, registry)


def list_models(models_dir: Path) -> list[ModelEntry]:
    """Every model folder in `models_dir` with its meta.json, oldest first."""
    if not models_dir.is_dir():
        return []
    promoted = promoted_version(models_dir)
    entries = []
    for path in sorted(models_dir.iterdir()):
        if path.name.startswith(".") or not (path / META_FILE).is_file():
            continue
        try:
            meta = read_meta(path)
        except ModelLoadError:
            continue
        entries.append(ModelEntry(path.name, path, meta, path.name == promoted))
    return sorted(entries, key=lambda entry: str(entry.meta.get("created_at", "")))

"""Promotion with a quality gate, and rollback.

A candidate is compared with the promoted model on the same fixed evaluation set; it is
refused when its macro-F1 is lower by more than the margin, unless forced. Every decision,
with both scores, is printed by the CLI and recorded in the registry.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nlp.errors import ModelLoadError
from nlp.persistence import load_model
from nlp.registry import promote, promoted_version, read_registry, record_decision
from training.data import Record
from training.evaluate import evaluate_model


@dataclass(frozen=True)
class PromotionDecision:
    """What was decided about a candidate, and on what scores."""

    candidate: str
    current: str | None
    candidate_macro_f1: float
    current_macro_f1: float | None
    margin: float
    promoted: bool
    forced: bool

    def to_dict(self) -> dict[str, Any]:
        """The decision as recorded in the registry."""
        return {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "candidate": self.candidate,
            "current": self.current,
            "candidate_macro_f1": self.candidate_macro_f1,
            "current_macro_f1": self.current_macro_f1,
            "margin": self.margin,
            "promoted": self.promoted,
            "forced": self.forced,
        }


def promote_with_gate(
    models_dir: Path,
    version: str,
    eval_records: Sequence[Record],
    margin: float,
    force: bool = False,
) -> PromotionDecision:
    """Evaluate candidate and current on `eval_records`; promote unless it is worse.

    Raises:
        ModelLoadError: the candidate (or the current model) cannot be loaded.
    """
    candidate = load_model(models_dir / version)
    candidate_f1 = float(evaluate_model(candidate, eval_records)["macro_f1"])
    current_version = promoted_version(models_dir)
    current_f1: float | None = None
    if current_version is not None and current_version != version:
        current = load_model(models_dir / current_version)
        current_f1 = float(evaluate_model(current, eval_records)["macro_f1"])
    good_enough = current_f1 is None or candidate_f1 >= current_f1 - margin
    decision = PromotionDecision(
        version,
        current_version,
        round(candidate_f1, 4),
        None if current_f1 is None else round(current_f1, 4),
        margin,
        good_enough or force,
        force and not good_enough,
    )
    record_decision(models_dir, decision.to_dict())
    if decision.promoted:
        reason = "forced promotion" if decision.forced else "passed the quality gate"
        promote(models_dir, version, reason=f"{reason}: macro-F1 {candidate_f1:.4f}")
    return decision


def rollback(models_dir: Path) -> tuple[str, str]:
    """Promote again the model that was promoted before the current one.

    Returns (from_version, to_version).

    Raises:
        ModelLoadError: nothing to roll back to, or that model is no longer loadable.
    """
    registry = read_registry(models_dir)
    current = registry.get("promoted")
    previous = None
    for entry in reversed(registry.get("history", [])):
        if entry.get("version") == current:
            previous = entry.get("previous")
            break
    if not current or not previous:
        raise ModelLoadError("nothing to roll back to: no earlier promotion is recorded")
    load_model(models_dir / previous)
    promote(models_dir, previous, reason=f"rollback from {current}")
    return current, previous

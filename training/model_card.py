"""The model card: `README.md` in every model folder, written from its meta.json.

It says in plain words what the model is, what it was trained on, how well it did under
cross-validation, how its confidence was calibrated, where the review threshold sits, and
which other pipelines it was compared against.
"""

from pathlib import Path
from typing import Any

from nlp.labels import LABELS

CARD_FILE = "README.md"


def _f1_row(name: str, accuracy: float, macro: float, per_label: dict[str, float]) -> str:
    cells = " | ".join(f"{per_label.get(label, 0.0):.3f}" for label in LABELS)
    return f"| {name} | {accuracy:.3f} | **{macro:.3f}** | {cells} |"


def render_model_card(meta: dict[str, Any]) -> str:
    """The card's Markdown text."""
    cv = meta["metrics"]["cross_validation"]
    data = meta.get("training_data", {})
    params = meta.get("params", {})
    calibration = meta.get("calibration", {})
    review = meta.get("review", {})
    versions = meta.get("versions", {})
    header = "| | accuracy | macro-F1 | " + " | ".join(LABELS) + " |"
    rule = "|---|---|---|" + "---|" * len(LABELS)
    lines = [
        f"# Model {meta['version']}",
        "",
        f"`{meta.get('name', 'triage')}`, created {meta.get('created_at', '?')}: routes a "
        "Vietnamese complaint to one of " + ", ".join(f"`{label}`" for label in LABELS) + ".",
        "",
        "## Training data",
        "",
        f"{data.get('rows', '?')} rows from {', '.join(data.get('files', [])) or '?'} "
        f"(sha256 `{str(data.get('sha256', '?'))[:16]}…`); per label: "
        + ", ".join(f"{k} {v}" for k, v in sorted(data.get("label_counts", {}).items()))
        + ".",
        "",
        "## Pipeline",
        "",
        "Normalisation (NFC, tone marks, lower case, placeholders, SMS abbreviations), "
        "underthesea word segmentation, TF-IDF views, linear classifier, temperature. "
        "Parameters:",
        "",
        "```",
        *(f"{key} = {value}" for key, value in params.items()),
        "```",
        "",
        f"## Cross-validation ({cv.get('folds')} stratified folds, seed {cv.get('seed')})",
        "",
        header,
        rule,
        _f1_row(
            "this model",
            cv["accuracy"],
            cv["macro_f1"],
            {label: row["f1"] for label, row in cv["per_label"].items()},
        ),
        "",
        "## Confidence and review",
        "",
        f"Temperature {calibration.get('temperature', 1.0)}: expected calibration error on "
        f"held-out folds {calibration.get('ece_before', '?')} before, "
        f"{calibration.get('ece_after', '?')} after.",
        "",
        f"Review threshold {review.get('threshold', meta.get('review_threshold'))}: on "
        f"held-out folds, {review.get('coverage', 0):.1%} of complaints reach it and are "
        f"routed without review, {review.get('precision', 0):.1%} of them correctly "
        f"(target {review.get('target_precision', '?')}). Real complaints are harder than "
        "the corpus: measure coverage on real data with `triage evaluate --report`.",
    ]
    selection = meta.get("selection") or []
    if selection:
        lines += [
            "",
            "## Model selection",
            "",
            "Every candidate was cross-validated on the same folds; the best macro-F1 was kept.",
            "",
            header,
            rule,
            *(
                _f1_row(c["name"], c["accuracy"], c["macro_f1"], c["per_label_f1"])
                for c in selection
            ),
        ]
    lines += [
        "",
        "## Made with",
        "",
        ", ".join(f"{name} {version}" for name, version in versions.items()) + ".",
        "",
    ]
    return "\n".join(lines)


def write_model_card(folder: Path, meta: dict[str, Any]) -> None:
    """Write `README.md` into a model folder (called while the folder is being saved)."""
    (folder / CARD_FILE).write_text(render_model_card(meta), "utf-8")

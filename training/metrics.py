"""Classification metrics over the six labels, and their plain-text tables.

Every table lists the labels in `nlp.labels.LABELS` order, so reports from training,
evaluation and promotion line up row for row.
"""

from collections.abc import Sequence
from typing import Any

from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from nlp.labels import LABELS


def compute_metrics(
    y_true: Sequence[str], y_pred: Sequence[str], alt_true: Sequence[str | None] | None = None
) -> dict[str, Any]:
    """Accuracy, macro-F1, per-label precision/recall/F1/support and the confusion matrix.

    Macro-F1 weighs the six labels equally, which is what matters when the rare labels
    (food safety, flooding) are the ones a city most needs routed right. With `alt_true`,
    `accuracy_with_alt` also counts a prediction equal to the second label as right.
    """
    labels = list(LABELS)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    per_label = {
        label: {
            "precision": round(float(precision[i]), 4),
            "recall": round(float(recall[i]), 4),
            "f1": round(float(f1[i]), 4),
            "support": int(support[i]),
        }
        for i, label in enumerate(labels)
    }
    present = [label for label in labels if per_label[label]["support"] > 0]
    macro_f1 = sum(per_label[label]["f1"] for label in present) / max(1, len(present))
    correct = sum(t == p for t, p in zip(y_true, y_pred, strict=True))
    metrics: dict[str, Any] = {
        "rows": len(y_true),
        "accuracy": round(correct / max(1, len(y_true)), 4),
        "macro_f1": round(macro_f1, 4),
        "per_label": per_label,
        "labels": labels,
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }
    if alt_true is not None:
        lenient = sum(p in (t, a) for t, p, a in zip(y_true, y_pred, alt_true, strict=True))
        metrics["accuracy_with_alt"] = round(lenient / max(1, len(y_true)), 4)
    return metrics


def format_per_label(metrics: dict[str, Any]) -> str:
    """The per-label precision/recall/F1 table with accuracy and macro-F1 under it."""
    lines = [f"{'label':<13}{'precision':>10}{'recall':>9}{'f1':>8}{'support':>9}"]
    for label, row in metrics["per_label"].items():
        lines.append(
            f"{label:<13}{row['precision']:>10.3f}{row['recall']:>9.3f}"
            f"{row['f1']:>8.3f}{row['support']:>9d}"
        )
    lines.append("")
    lines.append(f"accuracy {metrics['accuracy']:.3f}   macro-F1 {metrics['macro_f1']:.3f}")
    if "accuracy_with_alt" in metrics:
        lines.append(f"accuracy counting alt_label as right {metrics['accuracy_with_alt']:.3f}")
    return "\n".join(lines)


def format_confusion(metrics: dict[str, Any]) -> str:
    """The confusion matrix: rows are the true labels, columns the predicted ones."""
    labels = metrics["labels"]
    short = [label[:8] for label in labels]
    lines = ["true \\ predicted " + "".join(f"{name:>9}" for name in short)]
    for label, row in zip(labels, metrics["confusion"], strict=True):
        lines.append(f"{label:<17}" + "".join(f"{count:>9d}" for count in row))
    return "\n".join(lines)

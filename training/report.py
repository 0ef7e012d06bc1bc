"""The evaluation report: one Markdown page with two pictures, read at a glance.

`triage evaluate --report DIR` writes `DIR/report.md`, `DIR/confusion.png`,
`DIR/reliability.png` and `DIR/metrics.json`: per-label metrics, the two baselines on
the same data, calibration, review coverage, robustness to accent-stripped and
upper-cased text, and the worst errors with the words that decided them.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from nlp.labels import LABELS
from nlp.model import Classifier
from nlp.normalize import strip_accents
from training.baselines import KeywordRouter, build_char_baseline
from training.data import Record
from training.evaluate import evaluate_model
from training.metrics import compute_metrics
from training.review import choose_review_threshold, coverage_at

WORST_ERRORS = 30


@dataclass(frozen=True)
class ReportResult:
    """Where the report went and its headline figures."""

    path: Path
    metrics: dict[str, Any]


def _variant(records: Sequence[Record], transform: Any) -> list[Record]:
    return [
        Record(transform(r.text), r.label, r.alt_label, r.id, r.source_file, r.line)
        for r in records
    ]


def _plot_confusion(metrics: dict[str, Any], path: Path) -> None:
    matrix = np.asarray(metrics["confusion"])
    figure, axes = plt.subplots(figsize=(6.5, 5.5))
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(LABELS)), LABELS, rotation=35, ha="right")
    axes.set_yticks(range(len(LABELS)), LABELS)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    top = matrix.max() or 1
    for (i, j), count in np.ndenumerate(matrix):
        color = "white" if count > top / 2 else "black"
        axes.text(j, i, str(count), ha="center", va="center", color=color)
    axes.set_title("Confusion matrix")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _plot_reliability(confidence: Sequence[float], correct: Sequence[bool], path: Path) -> None:
    conf = np.asarray(confidence)
    hit = np.asarray(correct, dtype=float)
    edges = np.linspace(0, 1, 11)
    centers, accuracy, counts = [], [], []
    for low, high in pairwise(edges):
        members = (conf > low) & (conf <= high)
        if members.any():
            centers.append(conf[members].mean())
            accuracy.append(hit[members].mean())
            counts.append(int(members.sum()))
    figure, axes = plt.subplots(figsize=(5.5, 5))
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    axes.plot(centers, accuracy, marker="o", label="model")
    for x, y, n in zip(centers, accuracy, counts, strict=True):
        axes.annotate(str(n), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=8)
    axes.set_xlabel("confidence")
    axes.set_ylabel("share routed right")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.02)
    axes.set_title("Reliability (points labeled with their count)")
    axes.legend(loc="upper left")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _row(name: str, metrics: dict[str, Any]) -> str:
    f1 = " | ".join(f"{metrics['per_label'][label]['f1']:.3f}" for label in LABELS)
    return f"| {name} | {metrics['accuracy']:.3f} | **{metrics['macro_f1']:.3f}** | {f1} |"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def build_report(
    classifier: Classifier,
    records: Sequence[Record],
    baseline_train: Sequence[Record],
    out_dir: Path,
    data_names: Sequence[str],
) -> ReportResult:
    """Evaluate, compare with the baselines, and write the report folder.

    Args:
        classifier: the model under evaluation.
        records: labeled evaluation data.
        baseline_train: data to fit the character baseline on (the model's training data).
        out_dir: the folder to write; created if missing.
        data_names: names of the evaluation files, for the report's header.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    labels = [str(record.label) for record in records]
    texts = [record.text for record in records]
    model = evaluate_model(classifier, records)
    predictions = classifier.predict(texts, explain=6)
    confidence = [p.confidence for p in predictions]
    correct = [p.label == y for p, y in zip(predictions, labels, strict=True)]

    keyword = compute_metrics(labels, KeywordRouter().predict(texts))
    char_model = build_char_baseline().fit(
        [r.text for r in baseline_train], [str(r.label) for r in baseline_train]
    )
    char = compute_metrics(labels, [str(label) for label in char_model.predict(texts)])
    stripped = evaluate_model(classifier, _variant(records, strip_accents))
    upper = evaluate_model(classifier, _variant(records, str.upper))
    oracle = choose_review_threshold(confidence, correct, 0.95)

    _plot_confusion(model, out_dir / "confusion.png")
    _plot_reliability(confidence, correct, out_dir / "reliability.png")

    errors = sorted(
        (i for i, ok in enumerate(correct) if not ok), key=lambda i: confidence[i], reverse=True
    )[:WORST_ERRORS]
    review = model["review"]
    summary = {
        "model": model,
        "baselines": {"keyword_rules": keyword, "char_tfidf_raw": char},
        "robustness": {"accent_stripped": stripped, "upper_case": upper},
        "review_oracle": {
            "threshold_for_0.95": oracle,
            "coverage": coverage_at(confidence, oracle),
        },
    }
    lines = [
        f"# Evaluation of model {classifier.version}",
        "",
        f"Data: {', '.join(data_names)} ({len(records)} rows). "
        f"Baselines trained on the model's training data ({len(baseline_train)} rows).",
        "",
        "## Headline",
        "",
        f"- macro-F1 **{model['macro_f1']:.3f}**, accuracy {model['accuracy']:.3f}"
        + (
            f", counting alt_label as right {model['accuracy_with_alt']:.3f}"
            if "accuracy_with_alt" in model
            else ""
        ),
        f"- beats the keyword rules by {model['macro_f1'] - keyword['macro_f1']:+.3f} macro-F1 "
        f"and raw character TF-IDF by {model['macro_f1'] - char['macro_f1']:+.3f}",
        f"- routed without review at the model's threshold {review['threshold']:.3f}: "
        f"**{review['coverage']:.1%}** of complaints, precision {review['precision']:.3f}",
        f"- expected calibration error {model['ece']:.3f}",
        f"- accent-stripped text: macro-F1 {stripped['macro_f1']:.3f} "
        f"({stripped['macro_f1'] - model['macro_f1']:+.3f}); upper-cased: {upper['macro_f1']:.3f} "
        f"({upper['macro_f1'] - model['macro_f1']:+.3f})",
        "",
        "## Model and baselines (F1 per label)",
        "",
        "| | accuracy | macro-F1 | " + " | ".join(LABELS) + " |",
        "|---|---|---|" + "---|" * len(LABELS),
        _row("model", model),
        _row("model, accent-stripped text", stripped),
        _row("model, upper-cased text", upper),
        _row("baseline: keyword rules", keyword),
        _row("baseline: char TF-IDF on raw text", char),
        "",
        "## Per label",
        "",
        "| label | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for label in LABELS:
        row = model["per_label"][label]
        lines.append(
            f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} "
            f"| {row['support']} |"
        )
    lines += [
        "",
        "![confusion matrix](confusion.png) ![reliability diagram](reliability.png)",
        "",
        "## Review",
        "",
        f"At the model's threshold ({review['threshold']:.3f}, chosen on held-out training "
        f"data) {review['coverage']:.1%} of these complaints are routed without review, "
        f"{review['precision']:.1%} of them correctly. On this data, a threshold of "
        f"{oracle:.3f} would be needed for 95% precision, routing "
        f"{coverage_at(confidence, oracle):.1%} without review.",
        "",
        f"## The {len(errors)} most confident errors",
        "",
        "| # | true | predicted | confidence | deciding words | text |",
        "|---|---|---|---|---|---|",
    ]
    for rank, i in enumerate(errors, start=1):
        terms = ", ".join(term.term for term in predictions[i].explanation)
        text = texts[i] if len(texts[i]) <= 300 else texts[i][:300] + "…"
        lines.append(
            f"| {rank} | {labels[i]} | {predictions[i].label} | {confidence[i]:.2f} "
            f"| {_escape(terms)} | {_escape(text)} |"
        )
    report = out_dir / "report.md"
    report.write_text("\n".join(lines) + "\n", "utf-8")
    (out_dir / "metrics.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    return ReportResult(report, summary)

"""Staff corrections as training data.

Rule for repeated corrections: corrections are grouped by the normalised text of the
complaint; within a group the latest correction wins (by time, then by id). A group
whose corrections disagree is a conflict: it is still resolved by the latest, and listed
so the data team can look at it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nlp.normalize import normalize_text
from service.storage import FeedbackRow
from training.data import Record

FEEDBACK_SOURCE = "feedback"


@dataclass(frozen=True)
class Conflict:
    """Corrections of one text that disagree, and the label that won."""

    text: str
    labels: list[str]
    chosen: str


@dataclass(frozen=True)
class ResolvedFeedback:
    """One record per corrected text, and the conflicts found on the way."""

    records: list[Record]
    conflicts: list[Conflict]
    corrections: int


def resolve_feedback(rows: Iterable[FeedbackRow]) -> ResolvedFeedback:
    """Apply the latest-wins rule; rows must come oldest first (as storage returns them)."""
    groups: dict[str, list[FeedbackRow]] = {}
    count = 0
    for row in rows:
        groups.setdefault(normalize_text(row.text), []).append(row)
        count += 1
    records: list[Record] = []
    conflicts: list[Conflict] = []
    for group in groups.values():
        latest = group[-1]
        labels = [row.correct_label for row in group]
        if len(set(labels)) > 1:
            conflicts.append(Conflict(latest.text, labels, latest.correct_label))
        records.append(
            Record(
                text=latest.text,
                label=latest.correct_label,
                alt_label=None,
                id=f"fb-{latest.id}",
                source_file=FEEDBACK_SOURCE,
                line=latest.id,
                fields={
                    "id": f"fb-{latest.id}",
                    "text": latest.text,
                    "label": latest.correct_label,
                    "source": FEEDBACK_SOURCE,
                },
            )
        )
    return ResolvedFeedback(records, conflicts, count)


def merge_feedback(
    data: Sequence[Record], corrections: Sequence[Record]
) -> tuple[list[Record], int]:
    """Training records with corrections applied: a correction replaces a data row with the
    same normalised text (its label was wrong), and is added otherwise.

    Returns the merged records and how many data rows were replaced.
    """
    corrected = {normalize_text(record.text) for record in corrections}
    kept = [record for record in data if normalize_text(record.text) not in corrected]
    return [*kept, *corrections], len(data) - len(kept)

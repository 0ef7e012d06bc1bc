"""A fixed, stratified train/test split that does not move when rows are added.

Each row's place is decided by the sha256 of its id (or, without an id, of its text):
within each label, the rows with the lowest hashes form the test share. Re-running the
split on the same rows gives the same files, and the test set is never a matter of luck
of a random seed.
"""

import hashlib
from collections.abc import Sequence

from nlp.labels import LABELS
from training.data import Record


def _rank_key(record: Record) -> str:
    return hashlib.sha256((record.id or record.text).encode("utf-8")).hexdigest()


def split_records(
    records: Sequence[Record], test_fraction: float = 0.2
) -> tuple[list[Record], list[Record]]:
    """Split labeled records into (train, test), `test_fraction` of each label in test.

    Both lists keep the input order.

    Raises:
        ValueError: `test_fraction` is not strictly between 0 and 1.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test fraction must be between 0 and 1, not {test_fraction}")
    test_ids: set[int] = set()
    for label in LABELS:
        members = sorted(
            (i for i, record in enumerate(records) if record.label == label),
            key=lambda i: _rank_key(records[i]),
        )
        test_ids.update(members[: round(len(members) * test_fraction)])
    train = [record for i, record in enumerate(records) if i not in test_ids]
    test = [record for i, record in enumerate(records) if i in test_ids]
    return train, test

"""Near-duplicate rows: texts that share most of their word 5-grams.

A corpus written by hand drifts into near-copies ("same complaint, other street"); they
inflate cross-validation and teach the model a template. Texts are compared after
normalisation and accent stripping, so a copy typed without diacritics still counts.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from nlp.normalize import normalize_text, strip_accents
from training.data import Record

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class NearDuplicate:
    """Two records whose word n-gram sets overlap by `similarity` (Jaccard)."""

    first: Record
    second: Record
    similarity: float


def shingles(text: str, n: int = 5) -> frozenset[tuple[str, ...]]:
    """The word n-grams of a text's normalised, accent-stripped form (whole text if shorter)."""
    words = _WORD.findall(strip_accents(normalize_text(text)))
    if len(words) < n:
        return frozenset([tuple(words)])
    return frozenset(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def find_near_duplicates(
    records: Sequence[Record], threshold: float = 0.7, n: int = 5
) -> list[NearDuplicate]:
    """Pairs of records with word n-gram Jaccard similarity of `threshold` or more.

    Each record is paired with at most one earlier record (its closest), so the count of
    pairs is the count of rows that have a near-twin before them.
    """
    sets = [shingles(record.text, n) for record in records]
    index: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)
    pairs: list[NearDuplicate] = []
    for i, grams in enumerate(sets):
        shared = Counter(j for gram in grams for j in index[gram])
        best: tuple[float, int] | None = None
        for j, common in shared.items():
            similarity = common / len(grams | sets[j])
            if similarity >= threshold and (best is None or similarity > best[0]):
                best = (similarity, j)
        if best is not None:
            pairs.append(NearDuplicate(records[best[1]], records[i], round(best[0], 3)))
        for gram in grams:
            index[gram].append(i)
    return pairs

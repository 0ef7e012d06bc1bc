"""Telling text typed without diacritics apart, and combining the two models' opinions.

A complaint typed without diacritics ("duong ngap qua") loses what the main model leans
on most: accented character n-grams and underthesea's segmentation, which segments
stripped text poorly. A second, accent-invariant model reads every text only through
`strip_accents(normalize_text(text))`; it alone decides text typed without marks, and it
is averaged with the main model for marked text, where the two disagree in useful ways.

Every function here is pure.
"""

from typing import Final

import numpy as np
from numpy.typing import NDArray

from nlp.normalize import clean_text, strip_accents

#: Text whose letters carry a Vietnamese mark less often than this was typed without
#: diacritics. Marked Vietnamese has a mark on a fifth to a third of its letters (no
#: real complaint measured had fewer than 21%); text typed without them has none, or a
#: few from a pasted street name or "đc"-style words.
UNACCENTED_MAX_SHARE: Final = 0.1


def _marked_letters() -> dict[int, None]:
    """A translate table deleting every precomposed Latin letter that carries a mark."""
    table: dict[int, None] = {}
    for start, end in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for code in range(start, end):
            char = chr(code)
            if char.isalpha() and strip_accents(char) != char:
                table[code] = None
    return table


_DELETE_MARKED: Final = _marked_letters()


def marked_share(text: str) -> float:
    """The share of letters that carry a diacritic (đ counts), over the cleaned text.

    Measured before abbreviation expansion, which would add marks ("ko" -> "không") to
    text typed without them. Text without letters gives 0.

    Examples:
        >>> marked_share("đi về")
        0.5
        >>> marked_share("duong ngap")
        0.0
    """
    cleaned = clean_text(text)
    letters = sum(map(str.isalpha, cleaned))
    if not letters:
        return 0.0
    # clean_text leaves no combining marks, so every marked letter is one precomposed
    # character; deleting them all (in C) counts them.
    marked = len(cleaned) - len(cleaned.translate(_DELETE_MARKED))
    return marked / letters


def is_unaccented(text: str, max_share: float = UNACCENTED_MAX_SHARE) -> bool:
    """Whether `text` was typed without diacritics: it has letters, few of them marked.

    Examples:
        >>> is_unaccented("duong ngap qua ko di dc")
        True
        >>> is_unaccented("đường ngập quá")
        False
        >>> is_unaccented("0912 345 678")
        False
    """
    has_letters = any(char.isalpha() for char in text)
    return has_letters and marked_share(text) < max_share


def combine_probabilities(
    main: NDArray[np.float64], invariant: NDArray[np.float64], unaccented: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Each row's probabilities: the invariant model's when unaccented, else the mean.

    Args:
        main: (n, k) probabilities of the main model.
        invariant: (n, k) probabilities of the accent-invariant model, same columns.
        unaccented: (n,) which rows were typed without diacritics.
    """
    mean = (np.asarray(main, dtype=np.float64) + np.asarray(invariant, dtype=np.float64)) / 2
    combined: NDArray[np.float64] = np.where(np.asarray(unaccented)[:, None], invariant, mean)
    return combined

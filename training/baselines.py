"""Two baselines the model must beat, measured on the same data in every report.

- A keyword-rule router, the kind a city writes by hand: a list of phrases per label,
  matched on accent-stripped text; the label with most matches wins, `other` if none.
- Plain TF-IDF character n-grams with logistic regression on the raw text, with none of
  our normalisation or segmentation: what a generic text classifier gets for free.
"""

import re
from collections.abc import Sequence
from typing import Final

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from nlp.normalize import normalize_text, strip_accents

KEYWORDS: Final[dict[str, tuple[str, ...]]] = {
    "traffic": (
        "tac duong",
        "un tac",
        "ket xe",
        "tac nghen",
        "un u",
        "ach tac",
        "phan luong",
        "den tin hieu",
        "den do",
        "gio cao diem",
        "di mot chieu",
        "cam re",
        "quay dau",
    ),
    "flooding": (
        "ngap",
        "ung ngap",
        "ngap ung",
        "thoat nuoc",
        "nuoc mua",
        "mua to",
        "mua lon",
        "nuoc dang",
        "ngap sau",
        "tram bom",
    ),
    "sanitation": (
        "rac",
        "rac thai",
        "bui",
        "o nhiem",
        "boc mui",
        "hoi thoi",
        "xa thai",
        "nuoc thai",
        "dot rac",
        "khoi",
        "mui hoi",
        "phe thai",
        "ve sinh moi truong",
    ),
    "food_safety": (
        "ngo doc",
        "thuc pham",
        "an toan thuc pham",
        "het han",
        "thit thoi",
        "khong ro nguon goc",
        "giet mo",
        "hang gia",
        "bep an",
        "quan an",
    ),
    "urban_order": (
        "lan chiem",
        "via he",
        "long duong",
        "xay dung trai phep",
        "xay trai phep",
        "do xe",
        "trong giu xe",
        "ban hang rong",
        "quang cao",
        "coi noi",
        "sai phep",
        "vat lieu",
    ),
}


def _compile(keywords: dict[str, tuple[str, ...]]) -> dict[str, re.Pattern[str]]:
    return {
        label: re.compile(r"\b(?:" + "|".join(re.escape(k) for k in phrases) + r")\b")
        for label, phrases in keywords.items()
    }


class KeywordRouter:
    """Routes by counting each label's keywords; ties go to the label listed first."""

    def __init__(self, keywords: dict[str, tuple[str, ...]] = KEYWORDS) -> None:
        """Compile the keyword lists (accent-stripped, lower-case phrases)."""
        self.patterns = _compile(keywords)

    def predict_one(self, text: str) -> str:
        """The label with the most keyword hits, or `other` when nothing matches."""
        plain = strip_accents(normalize_text(text))
        counts = {label: len(pattern.findall(plain)) for label, pattern in self.patterns.items()}
        best = max(counts, key=lambda label: counts[label])
        return best if counts[best] > 0 else "other"

    def predict(self, texts: Sequence[str]) -> list[str]:
        """One label per text."""
        return [self.predict_one(text) for text in texts]


def build_char_baseline(seed: int = 0) -> Pipeline:
    """TF-IDF character 2-5 grams on the raw text, into logistic regression."""
    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
        LogisticRegression(C=10.0, max_iter=3000, random_state=seed),
    )

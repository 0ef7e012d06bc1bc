"""The six routing labels and their Vietnamese names.

The order of `LABELS` is the order of score vectors, report rows and confusion matrices
everywhere in the project, so that every table reads the same way.
"""

from typing import Final

LABELS: Final[tuple[str, ...]] = (
    "traffic",
    "flooding",
    "sanitation",
    "food_safety",
    "urban_order",
    "other",
)

LABEL_NAMES: Final[dict[str, str]] = {
    "traffic": "Ùn tắc giao thông",
    "flooding": "Úng ngập",
    "sanitation": "Vệ sinh môi trường",
    "food_safety": "Vệ sinh an toàn thực phẩm",
    "urban_order": "Trật tự đô thị",
    "other": "Khác",
}


def is_label(value: str) -> bool:
    """Tell whether `value` is one of the six labels (exact, lower-case spelling)."""
    return value in LABEL_NAMES

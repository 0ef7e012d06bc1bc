"""The triage library: Vietnamese complaint text in, a routing label out.

Pure functions and scikit-learn-style classes; the only I/O is reading and writing the
model folder a caller names.
"""

from nlp.errors import (
    IncompatibleModelError,
    InvalidInputError,
    ModelLoadError,
    RoutingTableError,
    TriageError,
)
from nlp.labels import LABEL_NAMES, LABELS

__all__ = [
    "LABELS",
    "LABEL_NAMES",
    "IncompatibleModelError",
    "InvalidInputError",
    "ModelLoadError",
    "RoutingTableError",
    "TriageError",
]

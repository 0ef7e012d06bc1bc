"""The routing table: which department acts on each label.

It lives in a data file (`data/routing.json`) so the city can change a department's name
or contact without touching code; this module only validates its content, which callers
read from disk.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from nlp.errors import RoutingTableError
from nlp.labels import LABELS

_FIELDS = ("id", "name", "contact")


@dataclass(frozen=True)
class Department:
    """A department that receives complaints of one label."""

    id: str
    name: str
    contact: str
    note: str = ""


def parse_routing_table(data: object) -> dict[str, Department]:
    """Validate a decoded routing table and return label -> Department.

    Every label must be present with a non-empty `id`, `name` and `contact`; unknown
    labels are refused too, since they would signal a typo that leaves a label unrouted.

    Raises:
        RoutingTableError: listing every problem found, not just the first.
    """
    if not isinstance(data, Mapping):
        raise RoutingTableError("the routing table must be a JSON object of label -> department")
    problems: list[str] = []
    table: dict[str, Department] = {}
    for label in data:
        if label not in LABELS:
            problems.append(f"unknown label {label!r}")
    for label in LABELS:
        entry = data.get(label)
        if not isinstance(entry, Mapping):
            problems.append(f"label {label!r} has no department")
            continue
        values = {field: entry.get(field) for field in _FIELDS}
        empty = [f for f, v in values.items() if not isinstance(v, str) or not v.strip()]
        if empty:
            problems.append(f"label {label!r}: missing or empty {', '.join(empty)}")
            continue
        note = entry.get("note", "")
        if not isinstance(note, str):
            problems.append(f"label {label!r}: note must be text")
            continue
        table[label] = Department(
            **{field: str(value).strip() for field, value in values.items()}, note=note.strip()
        )
    if problems:
        raise RoutingTableError("invalid routing table: " + "; ".join(problems))
    return table

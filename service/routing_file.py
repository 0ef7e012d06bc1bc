"""Reading the routing table file (`data/routing.json` unless configured otherwise).

Kept apart from the service state so that `triage serve` can check the file before it
starts workers without importing the model and storage code.
"""

import json
from pathlib import Path

from nlp.errors import RoutingTableError
from nlp.routing import Department, parse_routing_table


def read_routing_table(path: Path) -> dict[str, Department]:
    """Read and validate the routing table file.

    Raises:
        RoutingTableError: the file is missing, not JSON, or incomplete.
    """
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise RoutingTableError(f"routing table {path} not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RoutingTableError(f"routing table {path} cannot be read: {error}") from error
    return parse_routing_table(data)

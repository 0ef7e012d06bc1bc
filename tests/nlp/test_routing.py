"""The routing table: every label to a complete department."""

import json
from pathlib import Path

import pytest

from nlp.errors import RoutingTableError
from nlp.labels import LABELS
from nlp.routing import parse_routing_table

ROUTING_FILE = Path(__file__).resolve().parents[2] / "data" / "routing.json"


def _table() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads(ROUTING_FILE.read_text("utf-8"))
    return data


def test_routing_project_table_is_valid_and_uses_the_2025_bodies() -> None:
    table = parse_routing_table(_table())
    assert set(table) == set(LABELS)
    assert "Sở Xây dựng" in table["traffic"].name
    assert "Sở Xây dựng" in table["flooding"].name
    assert "Thoát nước Hà Nội" in table["flooding"].note
    assert "Nông nghiệp và Môi trường" in table["sanitation"].name
    assert "Sở Y tế" in table["food_safety"].name
    assert "UBND" in table["urban_order"].name


def test_routing_missing_label_is_refused() -> None:
    data = _table()
    del data["flooding"]
    with pytest.raises(RoutingTableError, match="'flooding' has no department"):
        parse_routing_table(data)


def test_routing_unknown_label_and_empty_fields_are_all_listed() -> None:
    data = _table()
    data["parking"] = data["traffic"]
    data["other"]["contact"] = " "
    with pytest.raises(RoutingTableError) as error:
        parse_routing_table(data)
    assert "unknown label 'parking'" in str(error.value)
    assert "'other': missing or empty contact" in str(error.value)


def test_routing_refuses_a_non_object() -> None:
    with pytest.raises(RoutingTableError):
        parse_routing_table(["traffic"])

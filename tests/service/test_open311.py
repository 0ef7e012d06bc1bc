"""Open311 GeoReport v2: responses carry the spec's fields; errors use its format."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from nlp.labels import LABELS

# Field lists of the GeoReport v2 specification.
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
CREATED_FIELDS = {"service_request_id", "service_notice", "account_id"}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
FLOOD = "Đường Láng ngập sâu sau mưa, xe chết máy hàng loạt"


def test_open311_services_lists_the_six_labels(client: TestClient) -> None:
    services = client.get("/open311/v2/services.json").json()
    assert [s["service_code"] for s in services] == list(LABELS)
    for service in services:
        assert set(service) == SERVICE_FIELDS
        assert service["type"] in ("realtime", "batch", "blackbox")
        assert service["metadata"] is False
    assert services[1]["service_name"] == "Úng ngập"


def test_open311_empty_service_code_is_filled_by_the_router(client: TestClient) -> None:
    form = {
        "service_code": "",
        "description": FLOOD,
        "lat": "21.0167",
        "long": "105.8083",
        "address_string": "Đường Láng, Đống Đa",
        "email": "dan@example.vn",
        "phone": "0900000000",
    }
    response = client.post("/open311/v2/requests.json", data=form)
    assert response.status_code == 201
    [created] = response.json()
    assert set(created) >= CREATED_FIELDS
    assert created["service_code"] == "flooding" and created["routed_by"] == "router"
    assert created["service_notice"].startswith("Chuyển tới Sở Xây dựng")
    assert 0 < created["confidence"] <= 1

    [stored] = client.get(f"/open311/v2/requests/{created['service_request_id']}.json").json()
    assert set(stored) == REQUEST_FIELDS
    assert stored["service_code"] == "flooding" and stored["status"] == "open"
    assert stored["description"] == FLOOD and stored["lat"] == pytest.approx(21.0167)
    assert stored["address"] == "Đường Láng, Đống Đa"
    assert datetime.fromisoformat(stored["requested_datetime"]).tzinfo is not None
    assert "dan@example.vn" not in str(stored) and "0900000000" not in str(stored)


def test_open311_given_service_code_is_kept_and_json_bodies_work(client: TestClient) -> None:
    response = client.post(
        "/open311/v2/requests.json", json={"service_code": "other", "description": FLOOD}
    )
    assert response.status_code == 201
    [created] = response.json()
    assert created["service_code"] == "other" and created["routed_by"] == "client"


def test_open311_list_filters_by_code_status_and_date(client: TestClient) -> None:
    for code in ("traffic", "other", "traffic"):
        client.post("/open311/v2/requests.json", data={"service_code": code, "description": "x y"})
    everything = client.get("/open311/v2/requests.json").json()
    assert len(everything) == 3 and all(set(r) == REQUEST_FIELDS for r in everything)
    assert (
        len(client.get("/open311/v2/requests.json", params={"service_code": "traffic"}).json()) == 2
    )
    assert client.get("/open311/v2/requests.json", params={"status": "closed"}).json() == []
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert client.get("/open311/v2/requests.json", params={"start_date": tomorrow}).json() == []
    first = everything[-1]["service_request_id"]
    only = client.get("/open311/v2/requests.json", params={"service_request_id": first}).json()
    assert [r["service_request_id"] for r in only] == [first]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"service_code": "", "description": ""}, "description is required"),
        ({"service_code": "potholes", "description": "ổ gà"}, "unknown service_code"),
        ({"description": "ổ gà", "lat": "200"}, "lat must be between"),
        ({"description": "ổ gà", "long": "east"}, "bad location"),
    ],
)
def test_open311_bad_requests_use_the_spec_error_format(
    client: TestClient, form: dict[str, str], message: str
) -> None:
    response = client.post("/open311/v2/requests.json", data=form)
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and message in error["description"]


def test_open311_unknown_request_is_a_404_in_the_spec_format(client: TestClient) -> None:
    for path in ("/open311/v2/requests/99999.json", "/open311/v2/requests/abc.json"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()[0]["code"] == 404


def test_open311_bad_filters_are_400(client: TestClient) -> None:
    assert (
        client.get("/open311/v2/requests.json", params={"start_date": "hôm qua"}).status_code == 400
    )
    assert client.get("/open311/v2/requests.json", params={"status": "maybe"}).status_code == 400

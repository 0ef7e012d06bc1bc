"""Open311 GeoReport v2: the standard city reporting apps already speak.

- `GET /open311/v2/services.json`: the six labels as services.
- `POST /open311/v2/requests.json`: a new request (form-encoded, as the spec says, or JSON);
  an empty `service_code` is filled by the router from the description.
- `GET /open311/v2/requests/{id}.json` and `GET /open311/v2/requests.json`: read them back.

Errors use the spec's format, a list of `{"code", "description"}` objects. Personal fields
(e-mail, name, phone) are stored for the city but never returned.
"""

import json
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from nlp.labels import LABEL_NAMES, LABELS
from service.state import ServiceState
from service.storage import StorageError

router = APIRouter(prefix="/open311/v2", tags=["open311"])

DESCRIPTIONS: Final = {
    "traffic": "Ùn tắc, kẹt xe, bất cập về tổ chức giao thông, đèn tín hiệu, phân luồng.",
    "flooding": "Đường, ngõ, nhà, hầm chui ngập sau mưa; cống thoát nước mưa tắc, chậm rút.",
    "sanitation": "Rác thải, đổ trộm phế thải, bụi, khói, đốt rác, mùi hôi, nước thải, ô nhiễm.",
    "food_safety": (
        "Ngộ độc thực phẩm, thực phẩm bẩn, hết hạn, không rõ nguồn gốc, bếp ăn mất vệ sinh."
    ),
    "urban_order": (
        "Lấn chiếm vỉa hè, lòng đường, đỗ xe sai quy định, xây dựng trái phép, quảng cáo rao vặt."
    ),
    "other": (
        "Đèn đường, ổ gà, hố ga, cây xanh, điện nước, tiếng ồn, an ninh, thủ tục hành chính..."
    ),
}
KEYWORDS: Final = {
    "traffic": "ùn tắc, kẹt xe, tắc đường, đèn tín hiệu, phân luồng",
    "flooding": "ngập, úng ngập, thoát nước, mưa lớn",
    "sanitation": "rác, bụi, mùi hôi, nước thải, ô nhiễm",
    "food_safety": "ngộ độc, thực phẩm bẩn, hết hạn, an toàn thực phẩm",
    "urban_order": "lấn chiếm, vỉa hè, đỗ xe, xây dựng trái phép, quảng cáo",
    "other": "đèn đường, ổ gà, hố ga, cây xanh, tiếng ồn",
}
GROUP_BOTTLENECKS: Final = "Điểm nghẽn đô thị"
_TEXT_FIELDS: Final = ("address_string", "media_url", "email", "first_name", "last_name", "phone")


class Open311Error(BaseModel):
    """The GeoReport v2 error format (a list of these is returned)."""

    code: int
    description: str


class Open311Created(BaseModel):
    """The answer to a new request: the spec's fields plus the routing decision."""

    service_request_id: str
    service_notice: str
    account_id: str | None
    service_code: str
    service_name: str
    routed_by: str
    confidence: float | None
    needs_review: bool
    agency_responsible: str


class Open311Request(BaseModel):
    """A stored request as GeoReport v2 returns it."""

    service_request_id: str
    status: str
    status_notes: str | None
    service_name: str
    service_code: str
    description: str
    agency_responsible: str
    service_notice: str
    requested_datetime: str
    updated_datetime: str
    expected_datetime: str | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    meaning = {
        400: "Bad request (spec error format).",
        404: "No such request.",
        503: "Storage or model unavailable.",
    }
    return {code: {"model": list[Open311Error], "description": meaning[code]} for code in codes}


_FIELD: Final = {"type": "string"}
_REQUEST_BODY: Final = {
    "required": True,
    "content": {
        media: {
            "schema": {
                "type": "object",
                "properties": {
                    "service_code": _FIELD,
                    "description": _FIELD,
                    "lat": _FIELD,
                    "long": _FIELD,
                    "address_string": _FIELD,
                    "email": _FIELD,
                    "first_name": _FIELD,
                    "last_name": _FIELD,
                    "phone": _FIELD,
                    "media_url": _FIELD,
                    "jurisdiction_id": _FIELD,
                },
                "required": ["description"],
            }
        }
        for media in ("application/x-www-form-urlencoded", "application/json")
    },
}


def _error(code: int, description: str) -> JSONResponse:
    return JSONResponse([{"code": code, "description": description}], status_code=code)


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.state.triage
    return state


_MAX_ID: Final = 2**63 - 1


def _request_id(text: str) -> int | None:
    """A stored request's id from its text form, or None if it cannot be one."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= _MAX_ID else None


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")


@router.get("/services.json", summary="Open311: the services (our six labels)")
def services(request: Request) -> list[dict[str, Any]]:
    """Each label as an Open311 service; the router can also pick one for the caller."""
    routing = _state(request).routing
    return [
        {
            "service_code": label,
            "service_name": LABEL_NAMES[label],
            "description": f"{DESCRIPTIONS[label]} Tiếp nhận: {routing[label].name}.",
            "metadata": False,
            "type": "realtime",
            "keywords": KEYWORDS[label],
            "group": "Khác" if label == "other" else GROUP_BOTTLENECKS,
        }
        for label in LABELS
    ]


async def _read_fields(request: Request) -> dict[str, str]:
    raw = await request.body()
    text = raw.decode("utf-8")
    if request.headers.get("content-type", "").startswith("application/json"):
        data = json.loads(text) if text.strip() else {}
        if not isinstance(data, dict):
            raise ValueError("the JSON body must be an object")
        return {key: "" if value is None else str(value) for key, value in data.items()}
    return {key: values[-1] for key, values in parse_qs(text, keep_blank_values=True).items()}


def _float(fields: dict[str, str], name: str) -> float | None:
    value = fields.get(name, "").strip()
    if not value:
        return None
    number = float(value)
    limit = 90 if name == "lat" else 180
    if not -limit <= number <= limit:
        raise ValueError(f"{name} must be between -{limit} and {limit}")
    return number


def _route(state: ServiceState, fields: dict[str, str]) -> dict[str, Any] | JSONResponse:
    """Decide the service code and build the row to store, or an Open311 error."""
    description = fields.get("description", "").strip()
    if not description:
        return _error(400, "description is required: the router reads it to pick the service")
    if len(description) > state.settings.max_text_length:
        limit = state.settings.max_text_length
        return _error(400, f"description is {len(description)} characters; the maximum is {limit}")
    code = fields.get("service_code", "").strip()
    if code and code not in LABELS:
        return _error(400, f"unknown service_code {code!r}; see services.json")
    try:
        lat, long = _float(fields, "lat"), _float(fields, "long")
    except ValueError as error:
        return _error(400, f"bad location: {error}")
    row: dict[str, Any] = {name: fields.get(name) or None for name in _TEXT_FIELDS}
    row.update(description=description, lat=lat, long=long)
    if code:
        row.update(service_code=code, routed_by="client", confidence=None, needs_review=False)
        row["model_version"] = state.classifier.version if state.classifier else None
    else:
        if state.classifier is None:
            return _error(503, f"service_code is empty and no model is loaded: {state.load_error}")
        prediction = state.classifier.predict_one(description, explain=0)
        row.update(
            service_code=prediction.label,
            routed_by="router",
            confidence=round(prediction.confidence, 4),
            needs_review=prediction.needs_review(state.review_threshold),
            model_version=state.classifier.version,
        )
    row["department_id"] = state.routing[row["service_code"]].id
    return row


@router.post(
    "/requests.json",
    summary="Open311: create a service request",
    status_code=201,
    response_model=list[Open311Created],
    responses=_errors(400, 503),
    openapi_extra={"requestBody": _REQUEST_BODY},
)
async def create_request(request: Request) -> JSONResponse:
    """Store a request; an empty service_code is filled by the router from the description."""
    state = _state(request)
    try:
        fields = await _read_fields(request)
    except (UnicodeDecodeError, ValueError, json.JSONDecodeError) as error:
        return _error(400, f"the request body cannot be read: {error}")
    decision = await run_in_threadpool(_route, state, fields)
    if isinstance(decision, JSONResponse):
        return decision
    if state.storage is None:
        return _error(503, f"storage is unavailable: {state.storage_error}")
    try:
        identifier = await run_in_threadpool(state.storage.add_service_request, decision)
    except StorageError as error:
        return _error(503, str(error))
    department = state.routing[decision["service_code"]]
    answer = {
        "service_request_id": str(identifier),
        "service_notice": f"Chuyển tới {department.name}",
        "account_id": None,
        "service_code": decision["service_code"],
        "service_name": LABEL_NAMES[decision["service_code"]],
        "routed_by": decision["routed_by"],
        "confidence": decision["confidence"],
        "needs_review": decision["needs_review"],
        "agency_responsible": department.name,
    }
    return JSONResponse([answer], status_code=201)


def _public(row: dict[str, Any], state: ServiceState) -> dict[str, Any]:
    department = state.routing[row["service_code"]]
    return {
        "service_request_id": str(row["id"]),
        "status": row["status"],
        "status_notes": None,
        "service_name": LABEL_NAMES[row["service_code"]],
        "service_code": row["service_code"],
        "description": row["description"],
        "agency_responsible": department.name,
        "service_notice": f"Chuyển tới {department.name}",
        "requested_datetime": _iso(row["requested_at"]),
        "updated_datetime": _iso(row["updated_at"]),
        "expected_datetime": None,
        "address": row["address_string"],
        "address_id": None,
        "zipcode": None,
        "lat": row["lat"],
        "long": row["long"],
        "media_url": row["media_url"],
    }


@router.get(
    "/requests/{request_id}.json",
    summary="Open311: one service request",
    response_model=list[Open311Request],
    responses=_errors(404, 503),
)
def get_request(request_id: str, request: Request) -> JSONResponse:
    """A stored request (as a one-element list, as the spec has it), or a 404 error."""
    state = _state(request)
    identifier = _request_id(request_id)
    if identifier is None:
        return _error(404, f"no service request {request_id!r}")
    if state.storage is None:
        return _error(503, f"storage is unavailable: {state.storage_error}")
    try:
        rows = state.storage.service_requests(ids=[identifier])
    except StorageError as error:
        return _error(503, str(error))
    if not rows:
        return _error(404, f"no service request {request_id!r}")
    return JSONResponse([_public(rows[0], state)])


def _date(value: str | None) -> datetime | None:
    """An ISO 8601 filter date in UTC (a date without an offset is taken as UTC)."""
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


@router.get(
    "/requests.json",
    summary="Open311: service requests",
    response_model=list[Open311Request],
    responses=_errors(400, 503),
)
def list_requests(
    request: Request,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
) -> JSONResponse:
    """Stored requests, newest first, filtered as the spec allows (at most 1,000)."""
    state = _state(request)
    if state.storage is None:
        return _error(503, f"storage is unavailable: {state.storage_error}")
    try:
        ids = None
        if service_request_id:
            parts = [part for part in service_request_id.split(",") if part.strip()]
            ids = [_request_id(part) for part in parts]
            if None in ids:
                raise ValueError(
                    f"service_request_id must list request ids, not {service_request_id!r}"
                )
        start, end = _date(start_date), _date(end_date)
    except ValueError as error:
        return _error(400, f"bad filter: {error}")
    if status and status not in ("open", "closed"):
        return _error(400, "status must be open or closed")
    try:
        rows = state.storage.service_requests(
            [i for i in ids if i is not None] if ids is not None else None,
            service_code,
            status,
            start,
            end,
        )
    except StorageError as error:
        return _error(503, str(error))
    return JSONResponse([_public(row, state) for row in rows])

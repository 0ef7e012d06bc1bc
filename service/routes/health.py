"""`GET /healthz` (the process answers) and `GET /readyz` (a model is loaded)."""

from fastapi import APIRouter, Response, status

from service.dependencies import StateDep
from service.schemas import HealthResponse

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness")
def healthz() -> HealthResponse:
    """200 whenever the process can answer at all."""
    return HealthResponse(status="ok")


@router.get(
    "/readyz",
    summary="Readiness",
    responses={503: {"model": HealthResponse, "description": "No model is loaded."}},
)
def readyz(state: StateDep, response: Response) -> HealthResponse:
    """200 once a model is loaded; 503 with the reason otherwise."""
    if state.classifier is None:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return HealthResponse(status="not ready", detail=state.load_error)
    return HealthResponse(status="ready", model_version=state.classifier.version)

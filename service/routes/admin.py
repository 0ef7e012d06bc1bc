"""`POST /v1/admin/reload`: swap in the promoted model without stopping the service."""

from fastapi import APIRouter, HTTPException, status

from nlp.errors import ModelLoadError
from service.dependencies import AdminDep, StateDep
from service.schemas import ReloadResponse
from service.state import reload_classifier

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.post(
    "/reload",
    summary="Load the promoted model",
    responses={
        401: {"description": "No bearer token."},
        403: {"description": "Wrong bearer token, or none configured."},
        409: {"description": "The new model failed to load; the old one keeps serving."},
    },
)
def reload(_: AdminDep, state: StateDep) -> ReloadResponse:
    """Load the promoted model and swap it in; requests already running finish on the old one."""
    previous = state.classifier.version if state.classifier else None
    try:
        classifier = reload_classifier(state)
    except ModelLoadError as error:
        still = f"; still serving {previous}" if previous else "; no model is serving"
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail=f"reload failed: {error}{still}"
        ) from error
    return ReloadResponse(model_version=classifier.version, previous_version=previous)

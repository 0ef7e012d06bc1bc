"""`POST /v1/feedback`: a correction from triage staff, stored before it is acknowledged."""

from fastapi import APIRouter, HTTPException, status

from nlp.labels import LABELS, is_label
from service.dependencies import StateDep, StorageDep
from service.schemas import FeedbackRequest, FeedbackResponse
from service.storage import StorageError

router = APIRouter(prefix="/v1", tags=["feedback"])


def _check(body: FeedbackRequest, limit: int) -> list[dict[str, object]]:
    errors: list[dict[str, object]] = []

    def problem(field: str, message: str) -> None:
        errors.append({"loc": ["body", field], "msg": message, "type": "value_error"})

    if not body.text.strip():
        problem("text", "text must not be empty or only whitespace")
    elif len(body.text) > limit:
        problem("text", f"text is {len(body.text)} characters; the maximum is {limit}")
    for field in ("correct_label", "predicted_label"):
        value = getattr(body, field)
        if value is not None and not is_label(value):
            problem(field, f"unknown label {value!r}; expected one of {', '.join(LABELS)}")
    return errors


@router.post(
    "/feedback",
    status_code=status.HTTP_201_CREATED,
    summary="Send a correction",
    responses={503: {"description": "The database is unavailable; nothing was stored."}},
)
def feedback(body: FeedbackRequest, storage: StorageDep, state: StateDep) -> FeedbackResponse:
    """Store a correction; 201 with its id means it is committed and will not be lost."""
    errors = _check(body, state.settings.max_text_length)
    if errors:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=errors)
    version = state.classifier.version if state.classifier else None
    try:
        identifier = storage.add_feedback(
            body.text,
            body.correct_label,
            body.predicted_label,
            body.complaint_id,
            body.note,
            version,
        )
    except StorageError as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=str(error)) from error
    return FeedbackResponse(id=identifier, model_version=version)

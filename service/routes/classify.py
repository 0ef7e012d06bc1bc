"""`POST /v1/classify` and `POST /v1/classify/batch`.

One complaint is classified on the event loop itself: it takes a millisecond or two of
CPU, and handing it to the thread pool cost more than that in thread switches and GIL
hand-offs (the p99 at concurrency 8 suffered most). A batch can take seconds, so the
batch endpoint is a plain `def` that FastAPI runs in its thread pool, keeping the loop
free for other requests; so are prediction-log writes, which wait on the database.
"""

from fastapi import APIRouter, HTTPException, status
from fastapi.concurrency import run_in_threadpool

from nlp.labels import LABEL_NAMES
from nlp.model import Prediction
from service.dependencies import ClassifierDep, StateDep
from service.schemas import (
    BatchRequest,
    BatchResponse,
    BatchResult,
    ClassifyRequest,
    ClassifyResponse,
    DepartmentOut,
    Term,
)
from service.state import ServiceState
from service.storage import StorageError

router = APIRouter(prefix="/v1", tags=["classify"])


def _text_problem(text: str, limit: int) -> str | None:
    if not text.strip():
        return "text must not be empty or only whitespace"
    if len(text) > limit:
        return f"text is {len(text)} characters; the maximum is {limit}"
    return None


def _unprocessable(errors: list[dict[str, object]]) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=errors)


def _answer(prediction: Prediction, state: ServiceState, version: str) -> ClassifyResponse:
    department = state.routing[prediction.label]
    return ClassifyResponse(
        label=prediction.label,
        label_name=LABEL_NAMES[prediction.label],
        confidence=round(prediction.confidence, 4),
        scores={label: round(score, 4) for label, score in prediction.scores.items()},
        department=DepartmentOut(
            id=department.id, name=department.name, contact=department.contact
        ),
        needs_review=prediction.needs_review(state.review_threshold),
        secondary_label=prediction.secondary_label(state.settings.secondary_label_floor),
        explanation=[Term(term=t.term, weight=t.weight) for t in prediction.explanation],
        model_version=version,
    )


@router.post("/classify", summary="Route one complaint")
async def classify(
    body: ClassifyRequest, classifier: ClassifierDep, state: StateDep
) -> ClassifyResponse:
    """Classify one complaint and say which department should act on it."""
    problem = _text_problem(body.text, state.settings.max_text_length)
    if problem:
        raise _unprocessable([{"loc": ["body", "text"], "msg": problem, "type": "value_error"}])
    prediction = classifier.predict_one(body.text, explain=state.settings.explain_terms)
    answer = _answer(prediction, state, classifier.version)
    if state.settings.prediction_log:
        answer.prediction_id = await run_in_threadpool(
            _log, state, body.text, prediction, classifier.version
        )
    return answer


def _log(state: ServiceState, text: str, prediction: Prediction, version: str) -> str:
    if state.storage is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail=f"the prediction log is on but storage is unavailable: {state.storage_error}",
        )
    try:
        return state.storage.log_prediction(text, prediction.label, prediction.confidence, version)
    except StorageError as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=str(error)) from error


@router.post("/classify/batch", summary="Route many complaints at once")
def classify_batch(body: BatchRequest, classifier: ClassifierDep, state: StateDep) -> BatchResponse:
    """Classify up to the configured number of complaints; results keep the request order."""
    limit = state.settings.max_batch_items
    if len(body.items) > limit:
        raise _unprocessable(
            [
                {
                    "loc": ["body", "items"],
                    "msg": f"{len(body.items)} items; a batch holds at most {limit}",
                    "type": "value_error",
                }
            ]
        )
    errors: list[dict[str, object]] = []
    for position, item in enumerate(body.items):
        problem = _text_problem(item.text, state.settings.max_text_length)
        if problem:
            errors.append(
                {"loc": ["body", "items", position, "text"], "msg": problem, "type": "value_error"}
            )
    if errors:
        raise _unprocessable(errors)
    predictions = classifier.predict(
        [item.text for item in body.items], explain=state.settings.explain_terms
    )
    results = []
    for item, prediction in zip(body.items, predictions, strict=True):
        answer = _answer(prediction, state, classifier.version)
        if state.settings.prediction_log:
            answer.prediction_id = _log(state, item.text, prediction, classifier.version)
        results.append(BatchResult(id=item.id, **answer.model_dump()))
    return BatchResponse(results=results, model_version=classifier.version)

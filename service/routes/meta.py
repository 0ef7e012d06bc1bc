"""`GET /v1/labels` and `GET /v1/model`: what the service routes and with which model."""

from typing import Any

from fastapi import APIRouter

from nlp.labels import LABEL_NAMES, LABELS
from service.dependencies import ClassifierDep, StateDep
from service.schemas import DepartmentOut, LabelOut

router = APIRouter(prefix="/v1", tags=["metadata"])


@router.get("/labels", summary="The six labels and their departments")
def labels(state: StateDep) -> list[LabelOut]:
    """Each label with its Vietnamese name and the department it routes to."""
    return [
        LabelOut(
            id=label,
            name=LABEL_NAMES[label],
            department=DepartmentOut(
                id=state.routing[label].id,
                name=state.routing[label].name,
                contact=state.routing[label].contact,
            ),
        )
        for label in LABELS
    ]


@router.get("/model", summary="The model in use (its meta.json)")
def model(classifier: ClassifierDep) -> dict[str, Any]:
    """The meta.json of the loaded model: version, metrics, data fingerprint, versions."""
    return classifier.meta

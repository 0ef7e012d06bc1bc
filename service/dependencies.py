"""Typed dependencies that hand routes the pieces of the lifespan state."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from nlp.model import Classifier
from service.state import ServiceState


def get_state(request: Request) -> ServiceState:
    """The service state the lifespan built."""
    state: ServiceState = request.state.triage
    return state


StateDep = Annotated[ServiceState, Depends(get_state)]


def get_classifier(state: StateDep) -> Classifier:
    """The loaded model, or 503 with the reason it could not be loaded."""
    if state.classifier is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail=f"no model is loaded: {state.load_error}",
        )
    return state.classifier


ClassifierDep = Annotated[Classifier, Depends(get_classifier)]

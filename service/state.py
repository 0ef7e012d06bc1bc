"""What the service holds while it runs: the model, the routing table and the settings.

Built once in the lifespan and kept in lifespan state (never in a module global), so
each app instance, and each test, has its own.
"""

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from nlp.errors import ModelLoadError, RoutingTableError
from nlp.model import Classifier
from nlp.persistence import load_model
from nlp.registry import resolve_model_dir
from nlp.routing import Department, parse_routing_table
from nlp.settings import Settings
from nlp.tokenize import warm_up

logger = logging.getLogger("triage.service")


@dataclass
class ServiceState:
    """The loaded model (None when loading failed, with the reason) and its companions."""

    settings: Settings
    routing: dict[str, Department]
    classifier: Classifier | None
    load_error: str | None = None

    @property
    def review_threshold(self) -> float:
        """The settings' threshold if set, else the one the model was trained with."""
        if self.settings.review_threshold is not None:
            return self.settings.review_threshold
        return self.classifier.review_threshold if self.classifier else 1.0


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


def load_state(settings: Settings) -> ServiceState:
    """Load the routing table (required) and the model (reported, not raised, on failure).

    A broken routing table stops start-up: without it no answer can be routed. A model
    that cannot be loaded leaves the service up but not ready (`/readyz` answers 503 with
    the reason), so an orchestrator can see why instead of a crash loop.

    Raises:
        RoutingTableError: the routing table is missing or invalid.
    """
    routing = read_routing_table(settings.routing_path)
    warm_up()
    try:
        model_dir = resolve_model_dir(settings.models_dir, settings.model_path)
        classifier = load_model(model_dir)
        classifier.predict(["Đường Láng ngập sâu sau mưa"])  # warms every code path
    except ModelLoadError as error:
        logger.error("model not loaded: %s", error)
        return ServiceState(settings, routing, None, str(error))
    logger.info("model %s loaded from %s", classifier.version, model_dir)
    return ServiceState(settings, routing, classifier)

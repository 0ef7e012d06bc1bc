"""What the service holds while it runs: the model, the routing table, storage, settings.

Built once in the lifespan and kept in lifespan state (never in a module global), so
each app instance, and each test, has its own. The model can be swapped by a reload;
requests already running keep the model they started with.
"""

import logging
import threading
from dataclasses import dataclass, field

from nlp.errors import ModelLoadError
from nlp.model import Classifier
from nlp.persistence import load_model
from nlp.registry import resolve_model_dir
from nlp.routing import Department
from nlp.settings import Settings
from nlp.tokenize import warm_up
from service.routing_file import read_routing_table
from service.storage import Storage, StorageError

logger = logging.getLogger("triage.service")


@dataclass
class ServiceState:
    """The loaded model (None when loading failed, with the reason) and its companions."""

    settings: Settings
    routing: dict[str, Department]
    classifier: Classifier | None
    load_error: str | None = None
    storage: Storage | None = None
    storage_error: str | None = None
    reload_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def review_threshold(self) -> float:
        """The settings' threshold if set, else the one the model was trained with."""
        if self.settings.review_threshold is not None:
            return self.settings.review_threshold
        return self.classifier.review_threshold if self.classifier else 1.0


def load_classifier(settings: Settings) -> Classifier:
    """Load and warm the model the settings name: the explicit path, else the promoted one.

    Only a folder inside the configured models folder is loaded (symlinks resolved).

    Raises:
        ModelLoadError: no usable model.
    """
    model_dir = resolve_model_dir(settings.models_dir, settings.model_path).resolve()
    models_root = settings.models_dir.resolve()
    if not model_dir.is_relative_to(models_root):
        # joblib files can run code: the service loads only what lies in its models folder.
        raise ModelLoadError(
            f"model folder {model_dir} is outside the models folder {models_root} "
            "(set TRIAGE_MODELS_DIR to the folder that holds it)"
        )
    classifier = load_model(model_dir)
    classifier.predict(["Đường Láng ngập sâu sau mưa"])  # warms every code path
    logger.info("model %s loaded from %s", classifier.version, model_dir)
    return classifier


def reload_classifier(state: ServiceState) -> Classifier:
    """Load the promoted model and swap it in; on failure the old one keeps serving.

    Raises:
        ModelLoadError: the new model could not be loaded (nothing was swapped).
    """
    with state.reload_lock:
        classifier = load_classifier(state.settings)
        state.classifier = classifier
        state.load_error = None
        return classifier


def open_storage(settings: Settings) -> tuple[Storage | None, str | None]:
    """Open and migrate the database; on failure return the reason instead of raising."""
    try:
        storage = Storage(settings.database_url, settings.database_busy_timeout)
        revision = storage.migrate()
    except StorageError as error:
        logger.error("storage unavailable: %s", error)
        return None, str(error)
    logger.info("storage %s at schema %s", storage.url, revision)
    return storage, None


def load_state(settings: Settings) -> ServiceState:
    """Load the routing table (required), the model and the storage (reported on failure).

    A broken routing table stops start-up: without it no answer can be routed. A model
    that cannot be loaded leaves the service up but not ready (`/readyz` answers 503 with
    the reason); an unusable database makes `/v1/feedback` answer 503 with the reason.

    Raises:
        RoutingTableError: the routing table is missing or invalid.
    """
    routing = read_routing_table(settings.routing_path)
    warm_up()
    storage, storage_error = open_storage(settings)
    try:
        classifier = load_classifier(settings)
    except ModelLoadError as error:
        logger.error("model not loaded: %s", error)
        return ServiceState(settings, routing, None, str(error), storage, storage_error)
    return ServiceState(settings, routing, classifier, None, storage, storage_error)

"""`triage serve`: check the model and routing table, then run the service under uvicorn.

Kept light on purpose. With several workers, uvicorn starts each one as a fresh Python
process that imports the `triage` command's module again before the app; the checks here
read JSON and hash files instead of loading the model, so neither this process nor the
workers' second import pays for scikit-learn, and workers answer sooner.
"""

import argparse
import os

from nlp.model_files import verify_model_files
from nlp.registry import resolve_model_dir
from nlp.settings import Settings
from service.routing_file import read_routing_table
from training.cli import EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Check the model's files and the routing table, then run the service under uvicorn.

    A missing, truncated, replaced or incompatible model is refused here, at once and with
    the reason, rather than inside a worker that uvicorn would restart again and again.
    """
    import uvicorn

    model_dir = resolve_model_dir(settings.models_dir, args.model or settings.model_path)
    verify_model_files(model_dir)
    read_routing_table(settings.routing_path)
    if args.model is not None or settings.model_path is not None:
        # Pinned: reloads keep serving this folder. Otherwise workers load the promoted
        # model, and a reload picks up a newer promotion.
        os.environ["TRIAGE_MODEL_PATH"] = str(model_dir.resolve())
        if not model_dir.resolve().is_relative_to(settings.models_dir.resolve()):
            # The operator named this folder: its parent is this server's models folder
            # (the service refuses to load a model from outside its models folder).
            os.environ["TRIAGE_MODELS_DIR"] = str(model_dir.resolve().parent)
    uvicorn.run(
        "service.app:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers or settings.workers,
        log_level=settings.log_level,
    )
    return EXIT_OK

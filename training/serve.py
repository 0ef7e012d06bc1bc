"""`triage serve`: check the model and routing table, then run the service under uvicorn.

Kept light on purpose. With several workers, uvicorn starts each one as a fresh Python
process that imports the `triage` command's module again before the app, and this
process only supervises them. So with several workers the model is checked here by its
files alone (meta.json, library versions, checksums; no scikit-learn, no unpickling),
and neither this process nor the workers' second import pays for scikit-learn: workers
answer sooner. With one worker uvicorn serves in this very process, which imports
scikit-learn for the app anyway, so the model is loaded here in full first.
"""

import argparse
import os

from nlp.model_files import verify_model_files
from nlp.registry import resolve_model_dir
from nlp.settings import Settings
from service.routing_file import read_routing_table
from training.exit_codes import EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Check the model and the routing table, then run the service under uvicorn.

    A model that cannot be served is refused here, at once, with the reason and exit code
    1, rather than by a service that starts and then answers 503 on `/readyz`. With
    several workers only what its files show is checked (missing, truncated, replaced or
    incompatible): a pickle that matches its checksum yet does not load leaves the workers
    up and not ready, with the reason on `/readyz`.
    """
    import uvicorn

    workers = args.workers or settings.workers
    model_dir = resolve_model_dir(settings.models_dir, args.model or settings.model_path)
    if workers <= 1:
        from nlp.persistence import load_model

        load_model(model_dir)
    else:
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
        workers=workers,
        log_level=settings.log_level,
    )
    return EXIT_OK

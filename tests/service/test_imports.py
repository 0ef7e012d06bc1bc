"""The service never imports the training code."""

import subprocess
import sys


def test_service_does_not_import_training() -> None:
    script = (
        "import sys\n"
        "import service.app, service.state, service.routes.classify\n"
        "leaked = sorted(m for m in sys.modules if m == 'training' or m.startswith('training.'))\n"
        "print(','.join(leaked))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_importing_the_service_loads_no_model() -> None:
    script = "import sys\nimport service.app\nprint('underthesea' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"

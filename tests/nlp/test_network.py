"""Nothing in tokenisation or classification may open a network connection."""

import subprocess
import sys
import textwrap
from pathlib import Path


def test_classification_opens_no_network_connection(model_dir: Path) -> None:
    # A fresh interpreter with sockets disabled before anything is imported, so an import
    # that phones home (a model download, a telemetry ping) fails the test too.
    script = textwrap.dedent(
        f"""
        import socket

        def refuse(*args, **kwargs):
            raise RuntimeError("network access attempted: " + repr(args[:2]))

        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse

        from pathlib import Path
        from nlp.persistence import load_model
        from nlp.tokenize import segment

        assert segment("ùn tắc giao thông").startswith("ùn_tắc")
        model = load_model(Path({str(model_dir)!r}))
        print(model.predict_one("Đường Láng ngập sâu sau mưa").label)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "flooding"

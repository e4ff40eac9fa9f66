"""JupyterLab started the way `make lab` starts it, for the JupyterLab tests (test_lab.py)
and the end-to-end part of the slider benchmark (benchmark.py)."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def lab_recipe() -> str:
    """The commands of the Makefile's `lab` target."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return re.search(r"^lab:.*\n((?:\t.*\n)+)", text, re.M).group(1)


def lab_options() -> list[str]:
    """The --LabApp options that `make lab` passes."""
    return re.findall(r"--LabApp\.\S+", lab_recipe())


def lab_env(home: Path) -> dict[str, str]:
    """The environment with Jupyter's data, config, runtime, settings and workspaces in
    ``home``, so that nothing of the user's own Jupyter is read or written."""
    return dict(os.environ, JUPYTER_DATA_DIR=str(home / "data"),
                JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "run"),
                JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
                JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"))


@contextlib.contextmanager
def running_lab(root: Path, env: dict[str, str], log_path: Path, token: str, *options: str):
    """JupyterLab serving ``root`` on a free port of 127.0.0.1 with ``make lab``'s options
    (and ``options``); yields its address once it answers, stops it afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [BIN / "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--port={port}",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--allow-root",
             *lab_options(), *options], env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
            else:
                raise RuntimeError(f"JupyterLab did not start within 60 s: "
                                   f"{log_path.read_text()[-2000:]}")
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()

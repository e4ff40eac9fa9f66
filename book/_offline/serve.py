"""Serve the built book and a local Jupyter server for its "Live Code" button (`make serve`).

* the book (``_build/html``) on http://127.0.0.1:PORT, a plain static server;
* ``jupyter server`` on 127.0.0.1 with a fresh random token, accepting
  requests from the book's origin only, its root at the repository (so a
  chapter's kernel starts in ``book/`` and ``import nnlib`` works).

It prints the address to open; that address carries the server's URL and
token (``?jupyter=...&token=...``), which the page keeps for the other pages.
Ctrl-C stops both servers.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port on 127.0.0.1")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # one line per file would bury the address to open
        pass


def start_static(html: Path, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start_jupyter(port: int, token: str, origin: str, root: Path = ROOT) -> subprocess.Popen:
    """A jupyter server for thebe; the caller ends it (its own process group)."""
    command = [sys.executable, "-m", "jupyter_server", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--port-retries=0", f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={token}",
               f"--ServerApp.allow_origin={origin}",
               "--ServerApp.allow_remote_access=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env=env)


def wait_for_jupyter(process: subprocess.Popen, url: str, token: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter server exited ({process.returncode}):\n{process.stderr.read()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}api/status?token={token}", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"jupyter server did not answer on {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    if process.stderr:
        process.stderr.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--port", type=int, default=8000, help="the book's port (another free one if taken)")
    parser.add_argument("--jupyter-port", type=int, default=8888)
    parser.add_argument("--page", default="book/01_neuron.html", help="the page whose address is printed")
    args = parser.parse_args()
    if not (args.html / "index.html").exists():
        sys.exit(f"error: no built book in {args.html}; run `make book` first")

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt)  # stop the Jupyter server too, however this one is stopped
    book_port, jupyter_port = free_port(args.port), free_port(args.jupyter_port)
    origin = f"http://127.0.0.1:{book_port}"
    jupyter_url = f"http://127.0.0.1:{jupyter_port}/"
    token = secrets.token_urlsafe(24)
    static = start_static(args.html, book_port)
    jupyter = start_jupyter(jupyter_port, token, origin)
    try:
        wait_for_jupyter(jupyter, jupyter_url, token)
        page = args.page if (args.html / args.page).exists() else "index.html"
        print(f"\nThe book:        {origin}/\n"
              f"Jupyter server:  {jupyter_url} (token {token}, allows only {origin})\n\n"
              f"Open this address (it tells the pages where the kernel is), then click \"Live Code\" in the page header:\n\n"
              f"    {origin}/{page}?jupyter={quote(jupyter_url, safe='')}&token={token}\n\n"
              f"Ctrl-C stops both servers.", flush=True)
        while jupyter.poll() is None:
            time.sleep(0.5)
        print(f"jupyter server stopped:\n{jupyter.stderr.read()[-2000:]}", file=sys.stderr)
    except KeyboardInterrupt:
        print("\nStopping.")
    finally:
        stop(jupyter)
        static.shutdown()
        static.server_close()


if __name__ == "__main__":
    main()

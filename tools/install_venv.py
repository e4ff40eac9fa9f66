"""Install the locked environment into the running venv, saying what happens.

Run by `make` with the venv's own Python (standard library only):

    .venv/bin/python tools/install_venv.py requirements-grading.txt

pip installs every pinned package with --require-hashes; this script counts
the packages as pip fetches them, shows the elapsed time, keeps pip's whole
output in .venv/pip-install.log and, if pip fails, prints its last lines.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

LOG_NAME = "pip-install.log"
NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==\S+\s*(?:;\s*([^\\]+))?")


def packages_for_this_python(lock: Path) -> list[str]:
    """The distinct names in `lock` whose environment marker holds here."""
    try:
        from pip._vendor.packaging.markers import Marker
    except ImportError:  # a pip without its vendored packaging: count them all
        Marker = None
    names = set()
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = NAME.match(line)
        if not match:
            continue
        name, _extras, marker = match.groups()
        if marker and Marker is not None and not Marker(marker.strip()).evaluate():
            continue
        names.add(name.lower().replace("_", "-"))
    return sorted(names)


FETCHED = re.compile(r"^\s*(?:Downloading|Using cached|Processing) (?:\S*/)?([^/\s]+?)-\d")


def fetched_file(line: str) -> str | None:
    """The package name in pip's line about fetching its file, else None."""
    match = None if ".metadata " in line else FETCHED.match(line)
    return match.group(1) if match else None


def minutes(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 60} min {whole % 60:02d} s" if whole >= 60 else f"{whole} s"


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: python tools/install_venv.py LOCKFILE", file=sys.stderr)
        return 2
    lock = Path(sys.argv[1])
    if not lock.is_file():
        print(f"error: expected a lock file, {lock} does not exist", file=sys.stderr)
        return 2
    total = len(packages_for_this_python(lock))
    log_path = Path(sys.prefix) / LOG_NAME
    tty = sys.stdout.isatty()
    command = [sys.executable, "-m", "pip", "install", "--require-hashes",
               "--no-input", "--progress-bar", "off", "-r", str(lock)]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    start = time.monotonic()
    fetched = seen = 0
    with open(log_path, "w", encoding="utf-8") as log:
        log.write(" ".join(command) + "\n")
        pip = subprocess.Popen(command, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=env)
        for line in pip.stdout:
            log.write(line)
            name = fetched_file(line)
            if name or line.startswith("Requirement already satisfied: "):
                seen += 1
                fetched += bool(name)
                name = name or line.split(": ", 1)[1].split()[0]
                status = f"  [{seen}/{total}] {name}  ({minutes(time.monotonic() - start)})"
                if tty:
                    print("\r" + status.ljust(70)[:70], end="", flush=True)
                elif seen == 1 or seen % 25 == 0:
                    print(status, flush=True)
            elif line.startswith("Installing collected packages"):
                message = f"  {fetched} packages fetched; installing them into {sys.prefix}"
                print(("\r" if tty else "") + message.ljust(70), flush=True)
        code = pip.wait()
    elapsed = minutes(time.monotonic() - start)
    if tty and seen and not fetched:
        print()
    if code != 0:
        lines = log_path.read_text(encoding="utf-8").splitlines()
        print("\n".join(lines[-25:]), file=sys.stderr)
        print(f"error: pip failed after {elapsed} (exit {code}); its whole output is in "
              f"{log_path}", file=sys.stderr)
        return code
    done = "installed" if fetched else "already installed"
    print(f"  {done} in {elapsed} (pip's output: {log_path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fetch the book's scripts and fonts from the npm registry and lay them out for the site.

The built HTML must work with no network: MathJax 2 (the ipywidgets HTML
manager expects version 2), require.js, the ipywidgets HTML manager and
thebe are served from the site's own ``_offline/`` folder. Their exact
versions are pinned in ``package.json`` beside this file.

``npm pack`` fetches each package's tarball (no dependencies: each ships a
ready bundle) into ``_build/.npm-assets/`` once; the files the pages use
are then copied into ``_build/.npm-assets/site/_offline/``, which
``_config.yml`` hands to Sphinx as ``html_extra_path``. This book's own
glue (``live.js``, ``live.css``) is copied there on every run.

Usage: python book/_offline/fetch_assets.py   (the Makefile and the tests run it)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CACHE = ROOT / "_build" / ".npm-assets"
SITE = CACHE / "site" / "_offline"  # what html_extra_path copies to <site>/_offline/
OWN_FILES = ["live.js", "live.css"]

# Which files of each package the pages need (paths inside the tarball's package/ folder).
MATHJAX_PARTS = ["MathJax.js", "config", "extensions", "jax/input/TeX", "jax/output/CommonHTML",
                 "jax/output/PreviewHTML", "jax/element", "fonts/HTML-CSS/TeX/woff", "localization/en"]
LAYOUT = {
    "requirejs": [("require.js", "require.js")],
    "@jupyter-widgets/html-manager": [("dist", "html-manager")],
    "thebe": [("lib", "thebe")],
    "mathjax": [(part, f"mathjax/{part}") for part in MATHJAX_PARTS],
}
SKIP_SUFFIXES = (".map", ".d.ts", ".LICENSE.txt")


def pinned() -> dict[str, str]:
    versions = json.loads((HERE / "package.json").read_text(encoding="utf-8"))["dependencies"]
    for name, version in versions.items():
        if not version[:1].isdigit():
            sys.exit(f"error: {name} must be pinned to an exact version in {HERE / 'package.json'}, got {version!r}")
    return versions


def npm() -> str:
    found = shutil.which("npm")
    if not found:
        sys.exit("error: npm is needed to fetch the book's scripts (MathJax, thebe, ...) from the npm registry.\n"
                 "  Install Node.js and npm (Debian/Ubuntu: sudo apt-get install nodejs npm), then run `make book` again.")
    return found


def tarball(name: str, version: str) -> Path:
    """The package's tarball in the cache, fetched with `npm pack` when missing."""
    path = CACHE / "tarballs" / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        result = subprocess.run([npm(), "pack", f"{name}@{version}", "--pack-destination", str(path.parent),
                                 "--json", "--loglevel=error"], capture_output=True, text=True)
        if result.returncode != 0 or not path.exists():
            sys.exit(f"error: `npm pack {name}@{version}` failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return path


def unpack(name: str, version: str) -> Path:
    target = CACHE / "packages" / f"{name.lstrip('@').replace('/', '-')}-{version}"
    if not (target / "package" / "package.json").exists():
        shutil.rmtree(target, ignore_errors=True)
        with tarfile.open(tarball(name, version)) as tar:
            tar.extractall(target, filter="data")
    return target / "package"


def copy(source: Path, destination: Path) -> None:
    if source.is_dir():
        for path in source.rglob("*"):
            if path.is_file() and not path.name.endswith(SKIP_SUFFIXES) and "types" not in path.relative_to(source).parts:
                copy(path, destination / path.relative_to(source))
    else:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)


def main() -> None:
    versions = pinned()
    stamp = SITE / "versions.json"
    wanted = json.dumps(versions, sort_keys=True, indent=1)
    if not (stamp.exists() and stamp.read_text(encoding="utf-8") == wanted):
        shutil.rmtree(SITE, ignore_errors=True)
        for name, version in versions.items():
            package = unpack(name, version)
            for inside, outside in LAYOUT[name]:
                if not (package / inside).exists():
                    sys.exit(f"error: {name}@{version} has no {inside}; update LAYOUT in {__file__}")
                copy(package / inside, SITE / outside)
        stamp.write_text(wanted, encoding="utf-8")
        print(f"Fetched {', '.join(f'{n}@{v}' for n, v in versions.items())} into {SITE}")
    for name in OWN_FILES:
        copy(HERE / name, SITE / name)
    # the pages link the icon (html_favicon); a browser that asks the site root for it finds it too
    copy(HERE / "favicon.ico", SITE.parent / "favicon.ico")


if __name__ == "__main__":
    main()

"""Fetch the book's scripts and fonts from the npm registry and lay them out for the site.

The built HTML must work with no network: MathJax 2 (the ipywidgets HTML
manager expects version 2), require.js, the ipywidgets HTML manager and
thebe are served from the site's own ``_offline/`` folder. Their exact
versions are pinned in ``package.json`` beside this file, and each tarball's
sha512 (npm's own ``integrity`` value, as ``npm view PKG@VERSION
dist.integrity`` prints it) in ``package-lock.json``: a tarball that does
not match is refused, whether just fetched or found in the cache.

To change a version: edit ``package.json``, put the new version and its
``integrity`` in ``package-lock.json`` (``npm view PKG@VERSION dist.integrity``),
and update ``LAYOUT`` below if the package's files moved.

``npm pack`` fetches each package's tarball (no dependencies: each ships a
ready bundle) into ``_build/.npm-assets/`` once; the files the pages use
are then copied into ``_build/.npm-assets/site/_offline/``, which
``_config.yml`` hands to Sphinx as ``html_extra_path``. This book's own
glue (``live.js``, ``live.css``) is copied there on every run.

Usage: python book/_offline/fetch_assets.py   (the Makefile and the tests run it)
"""

from __future__ import annotations

import base64
import hashlib
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


def integrities(versions: dict[str, str], lock: Path | None = None) -> dict[str, str]:
    """Each package's pinned sha512 from ``package-lock.json``, checked against ``package.json``'s versions."""
    lock = lock or HERE / "package-lock.json"
    if not lock.exists():
        sys.exit(f"error: {lock} is missing: it pins each package's sha512 (npm view PKG@VERSION dist.integrity)")
    packages = json.loads(lock.read_text(encoding="utf-8")).get("packages", {})
    out = {}
    for name, version in versions.items():
        entry = packages.get(f"node_modules/{name}", {})
        if entry.get("version") != version or not str(entry.get("integrity", "")).startswith("sha512-"):
            sys.exit(f"error: {lock} must pin {name}@{version} with its sha512 integrity (found {entry or 'nothing'});\n"
                     f"  get it with: npm view {name}@{version} dist.integrity")
        out[name] = entry["integrity"]
    return out


def check_integrity(path: Path, name: str, version: str, integrity: str) -> None:
    """Refuse a tarball whose sha512 is not the pinned one (a corrupted download or another file)."""
    actual = "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()
    if actual != integrity:
        sys.exit(f"error: {path.name} is not the pinned {name}@{version}: its sha512 is\n  {actual}\n"
                 f"but package-lock.json pins\n  {integrity}\n"
                 f"Delete {path} and run again to fetch it anew; if it still differs, the registry serves "
                 f"another file than the one pinned, and nothing from it is used.")


def npm() -> str:
    found = shutil.which("npm")
    if not found:
        sys.exit("error: npm is needed to fetch the book's scripts (MathJax, thebe, ...) from the npm registry.\n"
                 "  Install Node.js and npm (Debian/Ubuntu: sudo apt-get install nodejs npm), then run `make book` again.")
    return found


def tarball(name: str, version: str, integrity: str) -> Path:
    """The package's tarball in the cache, fetched with `npm pack` when missing, its sha512 checked."""
    path = CACHE / "tarballs" / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        result = subprocess.run([npm(), "pack", f"{name}@{version}", "--pack-destination", str(path.parent),
                                 "--json", "--loglevel=error"], capture_output=True, text=True)
        if result.returncode != 0 or not path.exists():
            sys.exit(f"error: `npm pack {name}@{version}` failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    check_integrity(path, name, version, integrity)
    return path


def unpack(name: str, version: str, integrity: str) -> Path:
    target = CACHE / "packages" / f"{name.lstrip('@').replace('/', '-')}-{version}"
    stamp = target / "integrity"
    if not ((target / "package" / "package.json").exists() and stamp.exists()
            and stamp.read_text(encoding="utf-8") == integrity):
        shutil.rmtree(target, ignore_errors=True)
        with tarfile.open(tarball(name, version, integrity)) as tar:
            tar.extractall(target, filter="data")
        stamp.write_text(integrity, encoding="utf-8")
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
    hashes = integrities(versions)
    stamp = SITE / "versions.json"
    wanted = json.dumps({name: [version, hashes[name]] for name, version in versions.items()},
                        sort_keys=True, indent=1)
    if not (stamp.exists() and stamp.read_text(encoding="utf-8") == wanted):
        shutil.rmtree(SITE, ignore_errors=True)
        for name, version in versions.items():
            package = unpack(name, version, hashes[name])
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

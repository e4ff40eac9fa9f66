"""Shared fixtures: the book, built once per test run the way `make book` builds it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

# Property tests check values, not speed: no per-example deadline (a loaded
# machine would fail them at random). CI replays the same examples every run.
settings.register_profile("book", deadline=None, derandomize=bool(os.environ.get("CI")))
settings.load_profile("book")

ROOT = Path(__file__).resolve().parent.parent

# serve.py, which the browser tests use to serve the book as `make serve` does; the editions.
sys.path.insert(0, str(ROOT / "book" / "_offline"))
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from nnfs_i18n import EDITIONS  # noqa: E402

EDITION_FOLDERS = {language: edition.folder for language, edition in EDITIONS.items()}
"""Each edition's folder in the built site ("" for English, "zh" for Chinese)."""


def build_book(source: Path, output: Path, *options: str) -> subprocess.CompletedProcess:
    """Run the book build of the Makefile (tools/build_book.py: every edition, all pages,
    warnings are errors) into ``output``."""
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_book.py"), "--source", str(source),
         "--path-output", str(output), *options],
        capture_output=True, text=True, env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
    )


def toc_pages(toc_file: Path = ROOT / "_toc.yml") -> list[str]:
    """Every page named in the toc, in reading order, as paths without suffix."""
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """The HTML folder of a fresh build of this book, every edition: English at its root, the
    Chinese edition in its zh/ folder (EDITION_FOLDERS), and beside it, in ../gettext, the
    catalog templates of the English pages. Built once per test run, for every test
    (NNFS_BUILT_BOOK=path/_build/html reuses a build of `tools/build_book.py --gettext`)."""
    if os.environ.get("NNFS_BUILT_BOOK"):  # a build made before (its _build/html), to re-test quickly
        return Path(os.environ["NNFS_BUILT_BOOK"]).resolve()
    output = tmp_path_factory.mktemp("book")
    result = build_book(ROOT, output, "--gettext")
    html = output / "_build" / "html"
    if result.returncode != 0 or not all((html / f / "index.html").exists() for f in EDITION_FOLDERS.values()):
        pytest.fail(f"the book did not build (exit {result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return html

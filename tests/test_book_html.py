"""The HTML book: every page of the toc is built, and none shows a Python error."""

import json

import yaml

from conftest import ROOT, build_book, toc_pages

# How myst-nb renders a cell's error and its stderr, and the text of any Python traceback.
ERROR_MARKS = ["Traceback (most recent call last)", "output traceback", "output stderr"]


def test_toc_lists_existing_sources():
    for page in toc_pages():
        assert any((ROOT / f"{page}{suffix}").exists() for suffix in (".ipynb", ".md")), page


def test_every_toc_page_is_built_without_errors(built_book):
    pages = toc_pages()
    assert len(pages) >= 2
    for page in pages:
        html = built_book / f"{page}.html"
        assert html.exists(), f"{page} from _toc.yml was not built"
        text = html.read_text(encoding="utf-8")
        for mark in ERROR_MARKS:
            assert mark not in text, f"{page}.html shows a Python error ({mark!r})"
    assert (built_book / "index.html").exists()


def test_a_notebook_that_raises_fails_the_build(tmp_path):
    book = tmp_path / "broken"
    (book / "book").mkdir(parents=True)
    # The book's own execution settings, without its page extensions and assets.
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    kept = {key: config[key] for key in ("title", "execute", "only_build_toc_files") if key in config}
    kept["sphinx"] = {"config": {k: v for k, v in config["sphinx"]["config"].items() if k.startswith("nb_")}}
    (book / "_config.yml").write_text(yaml.safe_dump(kept))
    (book / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n  - file: book/bad\n")
    (book / "book" / "intro.md").write_text("# Intro\n\nA page.\n")
    notebook = {
        "cells": [{"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {}, "outputs": [],
                   "source": ["# A chapter\n", "raise RuntimeError('this cell is broken')"]}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    (book / "book" / "bad.ipynb").write_text(json.dumps(notebook))
    result = build_book(book, tmp_path / "out")
    assert result.returncode != 0, "a notebook that raises must fail the build"
    assert "this cell is broken" in result.stdout + result.stderr

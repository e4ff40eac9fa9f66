"""Debian's Chromium, driven by Playwright, the one way the browser tests, the JupyterLab
tests and the benchmark start a browser (never `playwright install`: it downloads one)."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ENABLE = ("browser tests need Debian's Chromium at /usr/bin/chromium: run `make test` as root (it installs it "
          "with apt), or `sudo apt-get install chromium`, then `make test` again")


def require_playwright():
    """Playwright's sync API for a test module; the module is skipped without Chromium or
    Playwright, except under CI=true, where the browser tests must run and so fail instead."""
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but no Chromium: {ENABLE}", pytrace=False)
        pytest.skip(ENABLE, allow_module_level=True)
    try:
        from playwright import sync_api
    except ImportError as error:  # pytest.importorskip would skip even where these tests must run
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but Playwright cannot be imported ({error}): install the lock",
                        pytrace=False)
        pytest.skip(f"Playwright is not installed ({error}): run make", allow_module_level=True)
    return sync_api


@contextlib.contextmanager
def chromium(sync_api):
    """A headless Chromium for the length of the ``with`` block."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()

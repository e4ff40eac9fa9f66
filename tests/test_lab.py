"""`make lab` as a learner meets it: a freshly opened chapter shows its saved sliders.

JupyterLab renders a widget from the state saved in the notebook only when the
notebook is trusted; an untrusted one shows the text `VBox(children=(HBox(...`
until the learner runs it. `make lab` signs the chapters with `jupyter trust`.
Here JupyterLab runs with the Makefile's options and its own data folder (so
no trust database or setting of yours is touched), one chapter signed and one
not, and Playwright opens both in Debian's Chromium.
"""

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ROOT

from browsers import chromium, require_playwright  # noqa: E402
from labserver import BIN, lab_env, lab_options, lab_recipe, running_lab  # noqa: E402

sync_api = require_playwright()

TOKEN = "lab-test-token"
VBOX_TEXT = "VBox(children="


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a copy of chapters 1 (signed) and 3 (not), on a free port."""
    root = tmp_path_factory.mktemp("lab")
    home = tmp_path_factory.mktemp("jupyter-home")
    for name in ("01_neuron.ipynb", "03_loss.ipynb"):
        shutil.copy(ROOT / "book" / name, root / name)
    env = lab_env(home)
    subprocess.run([BIN / "jupyter", "trust", root / "01_neuron.ipynb"], env=env, check=True,
                   capture_output=True)
    # as make lab does in the venv's config; here in the test's own config folder
    announcements = "@jupyterlab/apputils-extension:announcements"
    subprocess.run([BIN / "jupyter", "labextension", "disable", "--level=user", announcements],
                   env=env, check=True, capture_output=True)
    with running_lab(root, env, home / "lab.log", TOKEN) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium(sync_api) as launched:
        yield launched


def open_chapter(browser, url: str, name: str):
    """Open a notebook, scroll to its first widget output; return (page, console messages)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    messages = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    # each chapter in its own workspace, or JupyterLab reopens the other one beside it
    page.goto(f"{url}/lab/workspaces/{name.split('_')[0]}/tree/{name}?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook", timeout=90_000)
    target = page.locator(f".jp-OutputArea-output .widget-slider, "
                          f".jp-OutputArea-output pre:has-text('{VBOX_TEXT}')").first
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (target.count() and target.is_visible()):
        page.evaluate("document.querySelector('.jp-WindowedPanel-outer').scrollBy(0, 700)")
        page.wait_for_timeout(200)
    return page, target, messages


def test_make_lab_trusts_the_chapters():
    recipe = lab_recipe()
    assert "jupyter trust book/*.ipynb" in recipe, recipe
    assert "--LabApp.news_url=None" in lab_options(), "JupyterLab's news feed would ask the network"
    assert "disable --level=sys_prefix @jupyterlab/apputils-extension:announcements" in recipe


def test_a_trusted_chapter_shows_its_saved_sliders_and_figure(lab, browser):
    page, target, messages = open_chapter(browser, lab, "01_neuron.ipynb")
    sync_api.expect(target).to_be_visible()
    output = page.locator(".jp-OutputArea-output:has(.widget-slider)").first
    sync_api.expect(output.locator(".widget-slider").first).to_be_visible()
    sync_api.expect(output.locator("img").first).to_be_visible()
    page.wait_for_timeout(1500)
    assert page.get_by_text("get notified about official Jupyter news").count() == 0
    assert page.locator(f".jp-OutputArea-output pre:has-text('{VBOX_TEXT}')").count() == 0
    problems = [m for m in messages if m.startswith("error") or "Unsatisfied version" in m]
    assert not problems, problems
    page.close()


def test_an_untrusted_chapter_shows_widget_text_which_is_why_make_lab_trusts(lab, browser):
    page, target, _ = open_chapter(browser, lab, "03_loss.ipynb")
    sync_api.expect(target).to_be_visible()
    sync_api.expect(target).to_contain_text(VBOX_TEXT)
    assert page.locator(".jp-OutputArea-output .widget-slider").count() == 0
    page.close()

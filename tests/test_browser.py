"""The built HTML book in a real browser (Debian's Chromium driven by Playwright), as a reader sees it.

1. Every page of the toc loads from a local web server with every other host
   blocked: no console error, no failed request, maths typeset, every image
   loaded and described (alt), every saved widget shown with its figure.
2. No page asks any host but the local server for anything (a launch *link*
   to Colab is not a request; only what the browser fetches counts).
3. Live mode on every chapter with sliders: "Live Code" starts a kernel on a
   local Jupyter server, the cells run in page order with each output under
   its own cell, and moving a weight slider and a learning-rate slider
   redraws the figure. Run with -s to see the start-up and slider timings.

Chromium comes from apt (`make test` installs it when it can); never from
`playwright install`. Without it these tests are skipped, except under
CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path

import pytest

from conftest import ROOT, toc_pages

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ENABLE = ("browser tests need Debian's Chromium at /usr/bin/chromium: run `make test` as root (it installs it "
          "with apt), or `sudo apt-get install chromium`, then `make test` again")

if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but no Chromium: {ENABLE}", pytrace=False)
    pytest.skip(ENABLE, allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")

import serve  # noqa: E402  (book/_offline/serve.py, on sys.path through conftest)

# Console messages that say nothing is wrong with the page: the widget manager's JSON-schema
# compiler notes a union type in the ipywidgets schema on every page with widgets.
HARMLESS_CONSOLE = [re.compile(r"strict mode: use allowUnionTypes")]


# ---- servers and browser ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(built_book):
    """The built book on http://127.0.0.1:PORT, served like `make serve` serves it."""
    port = serve.free_port(0)
    server = serve.start_static(built_book, port)
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Recorder:
    """A browser context that lets requests through only to ``allowed`` origins and writes down the rest."""

    def __init__(self, browser, allowed: list[str]):
        self.allowed = allowed
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.console: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if any(url.startswith(origin) for origin in self.allowed):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def page(self):
        page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.console.append(m.text))
        page.on("pageerror", lambda error: self.console.append(f"uncaught: {error}"))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"))
        return page

    def errors(self):
        return [m for m in self.console if not any(p.search(m) for p in HARMLESS_CONSOLE)]


# What a page shows once its scripts have run: maths, images, widgets.
INSPECT = """() => {
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  // the page's prose: code (which may hold LaTeX in strings) and MathJax's own TeX sources left out
  const prose = (document.querySelector('main, article, body') || document.documentElement).cloneNode(true);
  prose.querySelectorAll('pre, code, script, .MathJax_Preview').forEach(e => e.remove());
  const text = prose.textContent;
  const math = [...document.querySelectorAll('span.math, div.math')];
  return {
    mathTotal: math.length,
    mathUntypeset: math.filter(m => !m.querySelector('.MathJax_CHTML, .MathJax, mjx-container'))
                       .map(m => m.textContent.slice(0, 80)),
    rawTex: (text.match(/\\$\\$|\\\\\\(|\\\\\\[|\\\\begin\\{/g) || []).length,
    images: [...document.images].map(img => ({src: img.src.slice(-60), loaded: img.complete && img.naturalWidth > 0,
                                               alt: img.getAttribute('alt') || '', widget: img.classList.contains('widget-image')})),
    widgetViews: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length,
    widgetImages: [...document.querySelectorAll('img.widget-image')].filter(i => visible(i) && i.naturalWidth > 0).length,
    widgetSliders: document.querySelectorAll('.widget-slider').length,
    launch: [...document.querySelectorAll('.dropdown-launch-buttons a, .dropdown-download-buttons a')].map(a => a.href),
  };
}"""


def wait_until_rendered(page):
    """Until MathJax is idle and every saved widget view has been replaced by its widget."""
    page.wait_for_load_state("load")
    page.wait_for_function("""() => {
      const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
      const done = [...views].every(s => s.parentElement.querySelector('.jupyter-widgets, .widget-vbox'));
      const mj = !window.MathJax || !window.MathJax.Hub || (window.MathJax.Hub.queue.pending === 0 && window.MathJax.Hub.queue.running === 0);
      return done && mj;
    }""", timeout=30000)
    page.wait_for_timeout(300)


@pytest.fixture(scope="module")
def offline_reports(browser, site):
    """Every toc page (and the index), loaded once with every other host blocked."""
    recorder = Recorder(browser, [site])
    reports = {}
    for path in ["index.html"] + [f"{p}.html" for p in toc_pages()]:
        before = (len(recorder.blocked), len(recorder.failed), len(recorder.console))
        page = recorder.page()
        page.goto(f"{site}/{path}")
        try:
            if path == "index.html":  # a redirect to the first page: inspect where it lands
                page.wait_for_url(re.compile(r"/book/intro\.html$"))
                page.wait_for_load_state()
            wait_until_rendered(page)
            shown = page.evaluate(INSPECT)
        except sync_api.TimeoutError as error:
            shown = {"timeout": str(error).splitlines()[0]}
        shown["blocked"] = recorder.blocked[before[0]:]
        shown["failed"] = recorder.failed[before[1]:]
        shown["console"] = [m for m in recorder.console[before[2]:] if not any(p.search(m) for p in HARMLESS_CONSOLE)]
        reports[path] = shown
        page.close()
    recorder.context.close()
    return reports


# ---- 1 and 2: every page, offline ---------------------------------------------------------------
def test_every_page_loads_without_errors(offline_reports):
    problems = {p: {k: r[k] for k in ("timeout", "console", "failed") if r.get(k)} for p, r in offline_reports.items()}
    assert not {p: v for p, v in problems.items() if v}, f"pages with errors: {problems}"


def test_no_page_requests_another_host(offline_reports):
    leaks = {p: r["blocked"] for p, r in offline_reports.items() if r["blocked"]}
    assert not leaks, f"pages that asked another host for something (blocked): {leaks}"


def test_maths_is_typeset(offline_reports):
    assert sum(r.get("mathTotal", 0) for r in offline_reports.values()) > 0, "no page has any maths"
    for path, r in offline_reports.items():
        assert not r.get("mathUntypeset"), f"{path}: maths left as LaTeX: {r['mathUntypeset'][:5]}"
        assert r.get("rawTex", 0) == 0, f"{path}: raw LaTeX delimiters ($$, \\(, \\[) left in the text"


def test_every_image_is_loaded_and_described(offline_reports):
    for path, r in offline_reports.items():
        for image in r.get("images", []):
            assert image["loaded"], f"{path}: image {image['src']} did not load"
            alt = image["alt"].strip()
            assert alt, f"{path}: image {image['src']} has no alt text"
            assert not re.search(r"(^|/)_images/|\.(png|jpe?g|svg)$", alt), (
                f"{path}: image {image['src']} has a file name for alt text ({alt!r}); say what it shows, "
                'e.g. cell metadata {"mystnb": {"image": {"alt": "..."}}}')


def test_every_widget_shows_its_saved_state_and_figure(offline_reports):
    assert sum(r.get("widgetViews", 0) for r in offline_reports.values()) > 0, "no page has a widget"
    for path, r in offline_reports.items():
        assert r.get("widgetImages", 0) >= r.get("widgetViews", 0), (
            f"{path}: {r.get('widgetViews')} saved widgets but only {r.get('widgetImages')} figures shown")
        if r.get("widgetViews"):
            assert r["widgetSliders"] > 0, f"{path}: widgets without sliders"


def test_launch_buttons_come_from_the_repository_setting(offline_reports):
    chapters = [p for p, r in offline_reports.items() if r.get("widgetViews")]
    for path in chapters:
        links = " ".join(offline_reports[path]["launch"])
        notebook = path.replace(".html", ".ipynb")
        assert f"colab.research.google.com/github/nn-from-scratch/book/blob/main/{notebook}" in links
        assert "urlpath=lab/tree/" in links, "no JupyterLab launch link"
        assert f"_sources/{notebook}" in links, "no download link for the notebook"


# ---- 3: live mode ---------------------------------------------------------------------------------
def chapters_with_sliders(built_book) -> list[str]:
    return [f"{p}.html" for p in toc_pages()
            if "application/vnd.jupyter.widget-state+json" in (built_book / f"{p}.html").read_text(encoding="utf-8")]


@pytest.fixture(scope="module")
def jupyter(site):
    """A jupyter server on 127.0.0.1 for the book's origin only, with a fresh token; ended at the end."""
    port, token = serve.free_port(0), secrets.token_urlsafe(16)
    process = serve.start_jupyter(port, token, site, root=ROOT)
    url = f"http://127.0.0.1:{port}/"
    try:
        serve.wait_for_jupyter(process, url, token)
        yield url, token
    finally:
        serve.stop(process)


MOVED = []  # (page, slider kind) for the check that both kinds were moved somewhere


def slider_kind(label: str) -> str | None:
    label = label.lower()
    if "learning rate" in label or "η" in label or label.strip() in ("lr", "eta"):
        return "learning rate"
    if re.match(r"^\s*(w|weight)", label):
        return "weight"
    return None


def move_slider(page, index: int):
    """Type a new value into slider ``index``'s readout; return how long until its figure changed (s)."""
    return page.evaluate("""async (index) => {
      const slider = document.querySelectorAll('.cell_output .widget-slider')[index];
      const box = slider.closest('.widget-vbox');
      const img = box.querySelector('img.widget-image');
      const readout = slider.querySelector('.widget-readout');
      const before = img.src;
      const now = parseFloat(readout.textContent);
      const [lo, hi] = [parseFloat(slider.dataset.min ?? 'NaN'), parseFloat(slider.dataset.max ?? 'NaN')];
      const target = String(now > 0 ? now / 2 : (now < 0 ? now / 2 : 0.5));
      const start = performance.now();
      readout.focus();
      readout.textContent = target;
      readout.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', keyCode: 13, bubbles: true}));
      readout.blur();
      for (let i = 0; i < 300; i++) {
        if (img.src !== before && img.complete && img.naturalWidth > 0) return (performance.now() - start) / 1000;
        await new Promise(r => setTimeout(r, 20));
      }
      return null;
    }""", index)


@pytest.mark.parametrize("index", [0, 1, 2, 3, 4])
def test_live_code_runs_the_chapter_and_sliders_redraw(index, built_book, browser, site, jupyter):
    chapters = chapters_with_sliders(built_book)
    if index >= len(chapters):
        pytest.skip(f"the book has {len(chapters)} chapters with sliders")
    path = chapters[index]
    url, token = jupyter
    recorder = Recorder(browser, [site, url, url.replace("http", "ws", 1)])
    page = recorder.page()
    page.goto(f"{site}/{path}?jupyter={url}&token={token}")
    wait_until_rendered(page)
    saved = page.evaluate("""() => [...document.querySelectorAll('div.cell')].filter(c => c.querySelector('.cell_input pre'))
        .map(c => { const o = c.querySelector(':scope > .cell_output .output.stream, :scope > .cell_output .output.text_plain');
                    return o ? o.innerText.trim() : null; })""")

    start = time.perf_counter()
    page.click("button.dropdown-toggle[aria-label='Launch interactive content']")
    page.click(".btn-launch-thebe")
    page.wait_for_function("window.nnfsLive && window.nnfsLive.firstOutput", timeout=120000)
    first_output = time.perf_counter() - start
    page.wait_for_function("window.nnfsLive && ['live', 'error'].includes(window.nnfsLive.state)", timeout=240000)
    all_cells = time.perf_counter() - start
    state = page.evaluate("({state: nnfsLive.state, error: nnfsLive.error || null, cells: nnfsLive.cells})")
    assert state["state"] == "live", f"{path}: live code did not run every cell: {state}, " \
                                     f"status: {page.inner_text('.nnfs-live-status')}"

    # each cell's output under its own cell: the printed text of every cell is what the book saved
    live = page.evaluate("""() => [...document.querySelectorAll('.thebe-cell, div.cell [data-output]')]
        .filter(e => e.hasAttribute('data-output')).map(o => o.innerText.trim())""")
    assert len(live) == len(saved) == state["cells"], (len(live), len(saved), state)
    for i, (was, now) in enumerate(zip(saved, live)):
        if was:
            assert was.splitlines()[0] in now, f"{path}: cell {i} printed {now[:200]!r}, the book saved {was[:200]!r}"

    page.wait_for_function("document.querySelectorAll('.cell_output .widget-slider').length > 0", timeout=30000)
    labels = page.evaluate("[...document.querySelectorAll('.cell_output .widget-slider')]"
                           ".map(s => (s.querySelector('.widget-label') || {}).textContent || '')")
    timings = []
    for kind in ("weight", "learning rate"):
        for i, label in enumerate(labels):
            if slider_kind(label) == kind:
                seconds = move_slider(page, i)
                assert seconds is not None, f"{path}: moving slider {label!r} did not change its figure"
                timings.append(f"{label} {seconds * 1000:.0f} ms")
                MOVED.append((path, kind))
                break
    page.screenshot(path=str(Path(os.environ.get("BROWSER_SCREENSHOTS", "/tmp")) / f"live-{Path(path).stem}.png"))
    assert timings, f"{path}: no weight or learning-rate slider found among {labels}"
    assert not recorder.blocked, f"{path}: live mode asked another host: {recorder.blocked}"
    errors = recorder.errors()
    assert not errors, f"{path}: console errors in live mode: {errors}"
    print(f"\n[live] {path}: click → first output {first_output:.1f} s, → all {state['cells']} cells "
          f"{all_cells:.1f} s; slider → new figure: {', '.join(timings)}")
    recorder.context.close()


def test_live_mode_moved_a_weight_and_a_learning_rate_slider():
    kinds = {kind for _, kind in MOVED}
    if not MOVED:
        pytest.skip("no live test ran")
    assert kinds == {"weight", "learning rate"}, f"moved only: {MOVED}"

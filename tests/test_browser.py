"""The built HTML book in a real browser (Debian's Chromium driven by Playwright), as a reader sees it.

1. Every page of the toc loads from a local web server with every other host
   blocked: no console error, no failed request, maths typeset, every image
   loaded and described (alt), every saved widget shown with its figure.
2. No page asks any host but the local server for anything (a launch *link*
   to Colab is not a request; only what the browser fetches counts).
3. Live mode on every chapter with sliders: "Live Code" starts a kernel on a
   local Jupyter server, the cells run in page order with each output under
   its own cell (the whole printed output of every cell is what the book
   saved), and moving a weight slider and a learning-rate slider redraws the
   figure. Run with -s to see the start-up and slider timings.
4. Without a kernel, every slider of every figure, dragged with the mouse,
   snaps to a value the build drew and shows exactly that picture, every
   readout naming what the figure shows; moving a second slider says, beside
   the figure, that combining sliders needs Live Code. "Live Code" with no
   server says so where the reader sees it.
5. Layout: no display equation is wider than the text column at 1280 px, and
   no page is wider than a phone's screen (390 px).
6. Both editions (English at the site root, Chinese in zh/): the checks of 1, 2 and 5 on every
   page of each, the slider checks of 3 and 4 on its first chapter with sliders (all of them in
   English), in the page's language; the header's language switch leads to the same page in
   the other edition, and the Chinese search finds Chinese words.

Text a test reads is also checked to be visible (Playwright reads hidden text too).

Chromium comes from apt (`make test` installs it when it can); never from
`playwright install`. Without it these tests are skipped, except under
CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

import pytest
import yaml

from conftest import EDITION_FOLDERS, ROOT, toc_pages
from nnfs_i18n import EDITIONS, UI_DOMAIN, catalog, gettext

from browsers import chromium, require_playwright  # noqa: E402

sync_api = require_playwright()
expect = sync_api.expect

import serve  # noqa: E402  (book/_offline/serve.py, on sys.path through conftest)

# Console messages that say nothing is wrong with the page: the widget manager's JSON-schema
# compiler notes a union type in the ipywidgets schema on every page with widgets.
HARMLESS_CONSOLE = [re.compile(r"strict mode: use allowUnionTypes")]


LANGUAGES = list(EDITION_FOLDERS)


def at(language: str, path: str) -> str:
    """A page's address in the site, for an edition (book/01_neuron.html → zh/book/01_neuron.html)."""
    folder = EDITION_FOLDERS[language]
    return f"{folder}/{path}" if folder else path


def says(language: str, english: str, message: str | None = None) -> str:
    """What a test looks for in a message of the page: ``english`` in English, else the start of
    the message's translation (ui.po), up to its first placeholder."""
    if language == "en":
        return english
    return gettext(language, message or english).split("{")[0].strip()[:16]


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
    with chromium(sync_api) as launched:
        yield launched


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
    header: [...document.querySelectorAll('.bd-header-article a[href], .article-header-buttons a[href]')]
            .map(a => a.href),
    headerLive: [...document.querySelectorAll('.article-header-buttons .btn-launch-thebe')].filter(visible).length,
  };
}"""


# Every display equation: how wide it is against the text column (MathJax 2 CommonHTML puts display
# maths in span.MJXc-display inside div.math; the column is the article's content box).
MATH_WIDTHS = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const style = getComputedStyle(article);
  const column = article.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [...document.querySelectorAll('div.math')].map(block => {
    const display = block.querySelector('.MJXc-display');
    const maths = display && display.querySelector('.mjx-chtml, .MathJax_CHTML');
    const section = block.closest('section');
    const heading = section && section.querySelector('h1, h2, h3');
    return {column: Math.round(column), width: maths ? Math.ceil(Math.max(maths.scrollWidth, display.scrollWidth)) : null,
            tex: (block.querySelector('script[type^="math/tex"]') || block).textContent.replace(/\\s+/g, ' ').trim().slice(0, 90),
            section: heading ? heading.textContent.replace('#', '').trim() : ''};
  });
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


@pytest.fixture(scope="module")
def offline_reports(browser, site):
    """reports(language): every toc page (and the index) of that edition, loaded once with every
    other host blocked."""
    done = {}

    def reports(language):
        if language not in done:
            done[language] = load_every_page(browser, site, language)
        return done[language]

    return reports


def load_every_page(browser, site, language):
    recorder = Recorder(browser, [site])
    reports = {}
    for path in ["index.html"] + [f"{p}.html" for p in toc_pages()]:
        before = (len(recorder.blocked), len(recorder.failed), len(recorder.console))
        page = recorder.page()
        page.goto(f"{site}/{at(language, path)}")
        try:
            if path == "index.html":  # a redirect to the first page: inspect where it lands
                page.wait_for_url(re.compile(r"/book/intro\.html$"))
                page.wait_for_load_state()
            wait_until_rendered(page)
            shown = page.evaluate(INSPECT)
            shown["figures"] = page.evaluate(SHOWN_FIGURES)
            shown["maths"] = page.evaluate(MATH_WIDTHS)
            shown["notes"] = page.evaluate(STATIC_NOTES)
            # the same page on a phone's width: the layout follows the new viewport at once
            page.set_viewport_size({"width": 390, "height": 844})
            page.wait_for_function("() => document.documentElement.clientWidth <= 390")
            shown["phone"] = page.evaluate(PHONE_WIDTH)
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
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_loads_without_errors(offline_reports, language):
    offline_reports = offline_reports(language)
    problems = {p: {k: r[k] for k in ("timeout", "console", "failed") if r.get(k)} for p, r in offline_reports.items()}
    assert not {p: v for p, v in problems.items() if v}, f"pages with errors: {problems}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_requests_another_host(offline_reports, language):
    offline_reports = offline_reports(language)
    leaks = {p: r["blocked"] for p, r in offline_reports.items() if r["blocked"]}
    assert not leaks, f"pages that asked another host for something (blocked): {leaks}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_maths_is_typeset(offline_reports, language):
    offline_reports = offline_reports(language)
    assert sum(r.get("mathTotal", 0) for r in offline_reports.values()) > 0, "no page has any maths"
    for path, r in offline_reports.items():
        assert not r.get("mathUntypeset"), f"{path}: maths left as LaTeX: {r['mathUntypeset'][:5]}"
        assert r.get("rawTex", 0) == 0, f"{path}: raw LaTeX delimiters ($$, \\(, \\[) left in the text"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_image_is_loaded_and_described(offline_reports, language):
    offline_reports = offline_reports(language)
    for path, r in offline_reports.items():
        for image in r.get("images", []):
            assert image["loaded"], f"{path}: image {image['src']} did not load"
            alt = image["alt"].strip()
            assert alt, f"{path}: image {image['src']} has no alt text"
            assert not re.search(r"(^|/)_images/|\.(png|jpe?g|svg)$", alt), (
                f"{path}: image {image['src']} has a file name for alt text ({alt!r}); say what it shows, "
                'e.g. cell metadata {"mystnb": {"image": {"alt": "..."}}}')


def saved_widgets(html: str) -> dict[str, dict]:
    """model id of each saved widget box -> the sha256 of its figure's saved PNG and its alt text."""
    import base64
    import hashlib
    import html as htmllib

    found = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', html, re.S)
    if not found:
        return {}
    state = json.loads(found.group(1).replace("<\\/", "</"))["state"]
    boxes = {}
    for model_id, model in state.items():
        children = [c.removeprefix("IPY_MODEL_") for c in model["state"].get("children", [])]
        kinds = {state[c]["model_name"]: c for c in children if c in state}
        if "ImageModel" not in kinds:
            continue
        buffer = next(b for b in state[kinds["ImageModel"]].get("buffers", []) if b["path"] == ["value"])
        alts = [htmllib.unescape(state[c]["state"]["value"]) for c in children
                if "nnfs-alt" in state[c]["state"].get("_dom_classes", [])]
        boxes[model_id] = {"sha256": hashlib.sha256(base64.b64decode(buffer["data"])).hexdigest(),
                           "alt": alts[0] if alts else ""}
    return boxes


# For each saved widget view on the page: the bytes of the figure it shows (sha256) and its alt text.
SHOWN_FIGURES = """async () => {
  const hex = (buffer) => [...new Uint8Array(buffer)].map(b => b.toString(16).padStart(2, '0')).join('');
  const out = [];
  for (const script of document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')) {
    const id = JSON.parse(script.textContent).model_id;
    const img = script.parentElement.querySelector('img.widget-image');
    if (!img) { out.push({id, sha256: null}); continue; }
    const bytes = await (await fetch(img.src)).arrayBuffer();
    const cell = script.closest('div.cell'), marker = script.parentElement.querySelector('.nnfs-frames');
    out.push({id, sha256: hex(await crypto.subtle.digest('SHA-256', bytes)), alt: img.getAttribute('alt') || '',
              visible: img.offsetWidth > 0 && img.offsetHeight > 0 && img.naturalWidth > 0,
              code: cell ? cell.querySelector('.cell_input pre').textContent : '',
              view: marker ? JSON.parse(marker.textContent).view : ''});
  }
  return out;
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_widget_shows_its_saved_figure(offline_reports, built_book, language):
    """Each widget shows the figure of the cell it stands under (the view that cell makes), the very PNG
    the notebook saved for it, and that view's description as alt text."""
    from nnlib.live import view_class
    offline_reports = offline_reports(language)
    pages = [p for p, r in offline_reports.items() if r.get("widgetViews")]
    assert pages, "no page has a widget"
    for path in pages:
        r = offline_reports[path]
        saved = saved_widgets((built_book / at(language, path)).read_text(encoding="utf-8"))
        shown = r["figures"]
        assert len(shown) == r["widgetViews"] and r["widgetSliders"] > 0, f"{path}: {r['widgetViews']} widgets"
        for figure in shown:
            assert figure["id"] in saved, f"{path}: a widget view of an unknown box {figure['id']}"
            assert figure["visible"], f"{path}: widget {figure['id']} shows no visible figure"
            assert figure["sha256"] == saved[figure["id"]]["sha256"], (
                f"{path}: widget {figure['id']} shows another figure than the one its notebook saved")
            assert figure["alt"] == saved[figure["id"]]["alt"], f"{path}: widget {figure['id']} has another's alt"
            view = view_class({"view": figure["view"]})
            assert re.search(rf"\b{view.__name__}\(", figure["code"]), (
                f"{path}: under the cell {figure['code'][:80]!r} the page shows a {view.__name__}")
            described = view.alt or " ".join((view.__doc__ or "").split())  # as View.widget describes it
            described = gettext(language, described)  # and as nnfs_i18n translates it
            assert figure["alt"] == described, f"{path}: the {view.__name__} figure is described as {figure['alt']!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_header_links_lead_somewhere_real(offline_reports, site, language):
    """repository.url is unset in _config.yml: no button may point at a placeholder repository
    (no GitHub, issues, Binder, Colab or JupyterHub link), while each chapter keeps Live Code and
    the download of its notebook. With a repository set, the extension turns the buttons on
    (tests/test_offline_assets.py)."""
    repository = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]
    assert not repository.get("url"), "this test is written for the book as committed: no repository set"
    offline_reports = offline_reports(language)
    chapters = [p for p, r in offline_reports.items() if r.get("widgetViews")]
    assert chapters
    for path, report in offline_reports.items():
        for link in report["header"] + report["launch"]:
            assert link.startswith(site) or link.startswith("javascript:"), f"{path}: a header link leaves the site: {link}"
    for path in chapters:
        report = offline_reports[path]
        notebook = path.replace(".html", ".ipynb")
        assert any(link.endswith(f"_sources/{notebook}") for link in report["launch"]), \
            f"{path}: no download link for the notebook"
        assert report["headerLive"] == 1, f"{path}: no Live Code button in the header"


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


def printed(text: str) -> list[str]:
    """A cell's printed lines, as the reader compares them (trailing spaces and blank lines aside)."""
    return [line.rstrip() for line in text.strip().splitlines() if line.strip()]


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


# one test per chapter that shows a slider (counted in the sources; the built pages decide which),
# and the first such chapter in every other edition
SLIDER_CHAPTERS = sum("().widget()" in p.read_text(encoding="utf-8") for p in (ROOT / "book").glob("*.ipynb"))


@pytest.mark.parametrize("language, index", [("en", i) for i in range(SLIDER_CHAPTERS)]
                         + [(language, 0) for language in LANGUAGES if language != "en"])
def test_live_code_runs_the_chapter_and_sliders_redraw(language, index, built_book, browser, site, jupyter):
    chapters = chapters_with_sliders(built_book)
    if index >= len(chapters):
        pytest.skip(f"the book has {len(chapters)} chapters with sliders")
    path = chapters[index]
    url, token = jupyter
    recorder = Recorder(browser, [site, url, url.replace("http", "ws", 1)])
    page = recorder.page()
    page.goto(f"{site}/{at(language, path)}?jupyter={url}&token={token}")
    wait_until_rendered(page)
    # every cell's whole printed output (streams and plain-text results, in order), as the book saved it
    # (textContent: a folded solution's output counts too; visible: whether the reader sees it unfolded)
    saved = page.evaluate("""() => [...document.querySelectorAll('div.cell')].filter(c => c.querySelector('.cell_input pre'))
        .map(c => ({varies: c.classList.contains('tag_nbval-ignore-output'),
                    outs: [...c.querySelectorAll('.cell_output .output.stream, .cell_output .output.text_plain')]}))
        .map(({varies, outs}) => ({text: outs.map(o => (o.querySelector('pre') || o).textContent
                                         + (o.classList.contains('stream') ? '' : '\\n')).join(''),
                       visible: outs.some(o => o.checkVisibility()), varies}))""")

    start = time.perf_counter()
    page.click(".article-header-buttons .btn-launch-thebe")
    page.wait_for_function("window.nnfsLive && window.nnfsLive.firstOutput", timeout=120000)
    first_output = time.perf_counter() - start
    page.wait_for_function("window.nnfsLive && ['live', 'error'].includes(window.nnfsLive.state)", timeout=240000)
    all_cells = time.perf_counter() - start
    state = page.evaluate("({state: nnfsLive.state, error: nnfsLive.error || null, cells: nnfsLive.cells})")
    status = page.locator(".nnfs-live-status")
    expect(status).to_be_visible()
    expect(status).to_be_in_viewport()
    assert state["state"] == "live", f"{path}: live code did not run every cell: {state}, " \
                                     f"status: {status.inner_text()}"
    expect(status).to_contain_text(says(language, "Live: every cell ran",
                                        "Live: every cell ran on {server}; the sliders now recompute the figures."))

    # each cell's output under its own cell: the whole printed text of every cell is what the book saved
    # (one print can arrive as several stream outputs, split wherever the kernel flushed: streams are
    # joined as they are, each other output is a block of its own)
    live = page.evaluate("""() => [...document.querySelectorAll('div.cell [data-output]')]
        .map(o => [...o.querySelectorAll('.jp-RenderedText')].map(t => t.textContent
            + (/std(out|err)/.test(t.getAttribute('data-mime-type') || '') ? '' : '\\n')).join(''))""")
    assert len(live) == len(saved) == state["cells"], (len(live), len(saved), state)
    outputs = page.locator("div.cell [data-output]")
    for i, (was, now) in enumerate(zip(saved, live)):
        if was["varies"]:  # a cell nbval does not compare either (Chapter 7 prints a timing)
            continue
        if was["text"].strip() or now.strip():
            assert printed(now) == printed(was["text"]), (
                f"{path}: cell {i} printed\n{now[:1500]}\n-- but the book saved --\n{was['text'][:1500]}")
            if was["visible"]:  # what the reader saw before, they see now
                expect(outputs.nth(i).locator(".jp-RenderedText").first).to_be_visible()

    page.wait_for_function("document.querySelectorAll('.cell_output .widget-slider').length > 0", timeout=30000)
    labels = page.evaluate("[...document.querySelectorAll('.cell_output .widget-slider')]"
                           ".map(s => (s.querySelector('.widget-label') || {}).textContent || '')")
    expect(page.locator(".cell_output .widget-slider .widget-label").first).to_be_visible()
    timings = []
    for kind in ("weight", "learning rate"):
        for i, label in enumerate(labels):
            if slider_kind(label) == kind:
                seconds = move_slider(page, i)
                assert seconds is not None, f"{path}: moving slider {label!r} did not change its figure"
                timings.append(f"{label} {seconds * 1000:.0f} ms")
                MOVED.append((path, kind))
                break
    if language != "en":  # the kernel names its sliders in English: the page shows them translated
        translated = set(catalog(language, UI_DOMAIN).values())
        shown = [label.strip() for label in page.evaluate(
            "[...document.querySelectorAll('.cell_output .widget-slider .widget-label')].map(l => l.textContent)")]
        assert shown and all(label in translated for label in shown), (shown, labels)
    page.screenshot(path=str(Path(os.environ.get("BROWSER_SCREENSHOTS", "/tmp")) / f"live-{language}-{Path(path).stem}.png"))
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


# ---- 4: sliders without a kernel -------------------------------------------------------------------
def frame_manifests(built_book) -> dict[str, dict]:
    return {f.parent.name: json.loads(f.read_text(encoding="utf-8"))
            for f in (built_book / "_offline" / "frames").glob("*/frames.json")}


def number(text: str) -> float:
    """A readout as a number (ipywidgets writes minus as U+2212, and 1000 as 1.00e+3)."""
    return float(text.strip().replace("\u2212", "-"))


def reads(text: str, value: float, spec: dict) -> bool:
    """Whether a slider's readout ``text`` names ``value``, to the digits it shows (.2f, .3g or integer)."""
    shown = number(text)
    if spec["integer"]:
        return shown == value
    if spec["log"]:
        return abs(shown - value) <= 0.006 * abs(value)
    return abs(shown - value) <= 0.006


def drag(page, slider, fraction: float) -> None:
    """Drag a slider's handle with the mouse to ``fraction`` of its track, as a reader does."""
    slider.scroll_into_view_if_needed()
    handle = slider.locator(".noUi-handle").bounding_box()
    track = slider.locator(".noUi-target").bounding_box()
    y = handle["y"] + handle["height"] / 2
    page.mouse.move(handle["x"] + handle["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] * fraction, y, steps=6)
    page.mouse.up()


def open_static(recorder, site, path):
    page = recorder.page()
    page.goto(f"{site}/{path}")
    wait_until_rendered(page)
    page.wait_for_function("() => window.nnfsStatic && window.nnfsStatic.length === "
                           "document.querySelectorAll('.cell_output .nnfs-frames').length", timeout=30000)
    return page


def figure_state(page, index):
    """What figure ``index`` shows: its slider labels and readouts, and its image's address."""
    return page.evaluate("""(index) => {
      const figure = window.nnfsStatic[index];
      const box = figure.el;
      const img = box.querySelector('img.widget-image');
      return {key: figure.manifest.key, src: img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0,
              readouts: [...box.querySelectorAll('.widget-slider .widget-readout')].map(r => r.textContent)};
    }""", index)


def changed(page, index: int, src: str) -> None:
    """Wait until figure ``index`` shows a loaded picture other than ``src`` (the checks
    after it say what is wrong if it never does)."""
    try:
        page.wait_for_function("""([index, src]) => {
          const img = window.nnfsStatic[index].el.querySelector('img.widget-image');
          return img.getAttribute('src') !== src && img.complete && img.naturalWidth > 0;
        }""", arg=[index, src], timeout=5000)
    except sync_api.TimeoutError:
        pass


def shown_frame(built_book, manifest, readouts) -> tuple[str, str]:
    """The picture the readouts call for (at most one slider off its start), and why."""
    moved = []
    for spec, text in zip(manifest["sliders"], readouts):
        matches = [i for i, v in enumerate(spec["values"]) if reads(text, v, spec)]
        assert len(matches) == 1, f"{spec['name']} reads {text!r}, not one value the build drew: {spec['values']}"
        i = matches[0]
        if not reads(text, spec["start"], spec):
            moved.append((spec["name"], spec["files"][i], spec["values"][i]))
    assert len(moved) <= 1, f"without a kernel at most one slider may be off its start, readouts {readouts}"
    return (moved[0][1], f"{moved[0][0]} = {moved[0][2]}") if moved else ("", "start")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_slider_shows_its_drawn_picture_without_a_kernel(built_book, browser, site, language):
    """On every page with sliders, drag each slider of each figure: the figure becomes the picture the
    build drew for the value the readout shows, and that picture is what the view draws there.
    A translated edition, whose pages share the English pictures, on its first such page."""
    import io

    import numpy as np
    from PIL import Image

    from nnlib.live import view_class

    manifests = frame_manifests(built_book)
    pages = chapters_with_sliders(built_book)
    assert pages and manifests, "no page with sliders, or no pictures drawn for them"
    if language != "en":
        pages = pages[:1]
    recorder = Recorder(browser, [site])
    dragged = 0
    for path in pages:
        page = open_static(recorder, site, at(language, path))
        count = page.evaluate("window.nnfsStatic.length")
        assert count == page.locator(".cell_output .widget-vbox img.widget-image").count(), path
        for index in range(count):
            state = figure_state(page, index)
            manifest = manifests[state["key"]]
            figure = page.locator(".cell_output .widget-vbox:has(.nnfs-frames)").nth(index)
            sliders = figure.locator(".widget-slider")
            assert sliders.count() == len(manifest["sliders"])
            for i, spec in enumerate(manifest["sliders"]):
                before = figure_state(page, index)["src"]
                start = (spec["values"].index(spec["start"])) / (len(spec["values"]) - 1)
                drag(page, sliders.nth(i), 0.9 if start < 0.5 else 0.1)
                changed(page, index, before)
                state = figure_state(page, index)
                readout = sliders.nth(i).locator(".widget-readout")
                expect(readout).to_be_visible()
                expect(figure.locator("img.widget-image")).to_be_visible()
                file, why = shown_frame(built_book, manifest, state["readouts"])
                assert why != "start", f"{path}: dragging {spec['name']} left it at its start ({state['readouts']})"
                assert state["src"] != before, f"{path}: dragging {spec['name']} did not change the figure"
                assert state["src"].endswith(f"_offline/frames/{manifest['key']}/{file}"), (
                    f"{path}: with {why} the figure shows {state['src']}, not {file}")
                assert state["loaded"], f"{path}: the picture {state['src']} did not load"
                # the picture itself: what the view draws at that value
                name, value = why.split(" = ")[0], spec["values"][spec["files"].index(file)]
                shown = np.asarray(Image.open(built_book / "_offline" / "frames" / manifest["key"] / file).convert("RGB"))
                drawn = view_class(manifest)(**{**{s["name"]: s["start"] for s in manifest["sliders"]}, name: value})
                np.testing.assert_array_equal(shown, np.asarray(Image.open(io.BytesIO(drawn.png())).convert("RGB")),
                                              err_msg=f"{path}: the picture for {why} is not what the view draws")
                dragged += 1
        page.close()
    assert not recorder.errors(), f"console errors: {recorder.errors()}"
    print(f"\n[static] dragged {dragged} sliders on {len(pages)} pages")
    recorder.context.close()


def expect_no_server_status(page, language: str) -> None:
    """The Live Code status line, in view, says in the page's language that it needs a server."""
    status = page.locator(".nnfs-live-status")
    expect(status).to_be_visible()
    expect(status).to_be_in_viewport()
    expect(status).to_contain_text(says(language, "needs a Jupyter server", "Live code needs a Jupyter server. In the book's folder run "
                                   "`make serve` and open the address it prints, or open this page with "
                                   "?jupyter=SERVER_URL&token=TOKEN (see the README)."))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_second_slider_says_combining_needs_live_code(built_book, browser, site, language):
    recorder = Recorder(browser, [site])
    path = chapters_with_sliders(built_book)[0]
    page = open_static(recorder, site, at(language, path))
    manifest = frame_manifests(built_book)[figure_state(page, 0)["key"]]
    figure = page.locator(".cell_output .widget-vbox:has(.nnfs-frames)").first
    sliders = figure.locator(".widget-slider")
    warning = page.locator(".nnfs-static-warning").first
    drag(page, sliders.nth(0), 0.9)
    expect(warning).to_be_hidden()  # one slider: nothing to say
    drag(page, sliders.nth(1), 0.1)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(says(language, "Combining sliders needs Live Code", "Combining sliders needs "
                                         "Live Code: without a kernel this figure shows one slider at a time, so "
                                         "{reset} went back to its start when you moved {moved}."))
    expect(warning.locator("button", has_text=says(language, "Live Code"))).to_be_visible()
    state = figure_state(page, 0)
    assert reads(state["readouts"][0], manifest["sliders"][0]["start"], manifest["sliders"][0]), state
    file, why = shown_frame(built_book, manifest, state["readouts"])
    assert why.startswith(manifest["sliders"][1]["name"]) and state["src"].endswith(file), (why, state)
    # the message sits beside the figure, above it, and the note before the figure too
    note = page.locator(".nnfs-static-note").first
    expect(note).to_be_visible()
    image = figure.locator("img.widget-image").bounding_box()
    assert note.bounding_box()["y"] < warning.bounding_box()["y"] < image["y"]
    # its button without a server: the reader sees why, right there
    warning.locator("button").click()
    expect_no_server_status(page, language)
    recorder.context.close()


def test_arrow_keys_step_through_the_pictures(built_book, browser, site):
    recorder = Recorder(browser, [site])
    path = chapters_with_sliders(built_book)[0]
    page = open_static(recorder, site, path)
    manifest = frame_manifests(built_book)[figure_state(page, 0)["key"]]
    spec = manifest["sliders"][0]
    handle = page.locator(".cell_output .widget-vbox:has(.nnfs-frames)").first.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for step in (1, 2):
        before = figure_state(page, 0)["src"]
        page.keyboard.press("ArrowRight")
        changed(page, 0, before)
        state = figure_state(page, 0)
        expected = spec["values"][spec["values"].index(spec["start"]) + step]
        assert reads(state["readouts"][0], expected, spec), (step, state["readouts"][0], expected)
        file, _ = shown_frame(built_book, manifest, state["readouts"])
        assert state["src"].endswith(f"{manifest['key']}/{file}"), state
    recorder.context.close()


STATIC_NOTES = """() => {
  const shown = e => { const r = e.getBoundingClientRect(), style = getComputedStyle(e);
                       return r.width > 0 && r.height > 0 && style.visibility !== 'hidden'; };
  const notes = [...document.querySelectorAll('.nnfs-static-note')];
  return [...document.querySelectorAll('.cell_output .widget-vbox:has(.nnfs-frames)')].map((figure, i) => {
    const note = notes[i], img = figure.querySelector('img.widget-image');
    return {visible: !!note && shown(note), text: note ? note.textContent : '',
            above: !!note && !!img && note.getBoundingClientRect().top < img.getBoundingClientRect().top};
  });
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_figure_with_sliders_has_its_note_before_it(offline_reports, built_book, language):
    """Read in the offline pass: above every figure with sliders, a visible note on what the
    page can do without a kernel."""
    reports = offline_reports(language)
    expected = says(language, "Without a kernel", "Without a kernel, each slider shows "
                    "pictures drawn when the book was built (about {n} positions per "
                    "slider, one slider at a time, the others at their start). Live Code "
                    "recomputes the figure for any setting.")
    for path in chapters_with_sliders(built_book):
        notes = reports[path].get("notes")
        assert notes, f"{path}: no figure with sliders found"
        for i, note in enumerate(notes):
            assert note["visible"] and expected in note["text"] and note["above"], (path, i, note)


@pytest.mark.parametrize("language", LANGUAGES)
def test_live_code_without_a_server_says_so_where_the_reader_looks(built_book, browser, site, language):
    recorder = Recorder(browser, [site])
    path = chapters_with_sliders(built_book)[-1]
    page = recorder.page()
    page.goto(f"{site}/{at(language, path)}?jupyter=off")
    wait_until_rendered(page)
    page.mouse.wheel(0, 3000)  # the reader has scrolled into the chapter
    page.click(".article-header-buttons .btn-launch-thebe")
    expect_no_server_status(page, language)
    recorder.context.close()


# ---- 5: layout ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", LANGUAGES)
def test_display_equations_fit_the_column_at_1280px(offline_reports, language):
    offline_reports = offline_reports(language)
    wide = {}
    for path, r in offline_reports.items():
        for eq in r.get("maths", []):
            if eq["width"] is not None and eq["width"] > eq["column"]:
                wide.setdefault(path, []).append(f"{eq['section']!r}: {eq['width']} px > {eq['column']} px: {eq['tex']}")
    assert sum(len(r.get("maths", [])) for r in offline_reports.values()) > 0, "no display maths measured"
    assert not wide, "display equations wider than the text column at 1280 px (split them with aligned):\n" + \
        "\n".join(f"{p}: {line}" for p, lines in wide.items() for line in lines)


PHONE_WIDTH = """() => {
  const vw = document.documentElement.clientWidth;
  const over = [...document.querySelectorAll('article *')].filter(e => e.getBoundingClientRect().right > vw + 1)
    .filter(e => !e.closest('.MJXc-display, .cell_output pre, .highlight, .output, .table-wrapper, .nnfs-x-scroll'))
    .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'));
  return {page: document.documentElement.scrollWidth, body: document.body.scrollWidth, vw, over};
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_is_wider_than_a_phone(offline_reports, language):
    """Each page of the offline pass, narrowed to a 390 px phone screen after its 1280 px checks."""
    reports = offline_reports(language)
    assert all("phone" in r or "timeout" in r for r in reports.values())
    wide = {path: r["phone"] for path, r in reports.items()
            if "phone" in r and max(r["phone"]["page"], r["phone"]["body"]) > r["phone"]["vw"]}
    assert not wide, f"pages wider than a 390 px phone screen (they scroll sideways): {wide}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_book_has_an_icon(site, built_book, language):
    """Every page links an icon that loads, and a browser asking the site root for one finds it."""
    import urllib.request

    with urllib.request.urlopen(f"{site}/favicon.ico") as response:
        assert response.status == 200 and response.read(4) == b"\x00\x00\x01\x00"  # an .ico
    for path in [at(language, f"{p}.html") for p in toc_pages()]:
        found = re.search(r'<link rel="icon" href="([^"]+)"', (built_book / path).read_text(encoding="utf-8"))
        assert found, f"{path} links no icon"
        with urllib.request.urlopen(f"{site}/{Path(path).parent.as_posix()}/{found.group(1)}") as response:
            assert response.status == 200, f"{path}: its icon {found.group(1)} does not load"


# ---- 6: the editions -----------------------------------------------------------------------------
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_switch_leads_to_the_same_page(browser, site, language):
    """The header's switch, clicked as a reader does, opens the same page of the other edition in
    the same tab, in that edition's language, at 1280 px and on a phone. (Where every page's switch
    leads is checked in its HTML: tests/test_editions.py.)"""
    pages = [f"{p}.html" for p in toc_pages()]
    for viewport, paths in (({"width": 1280, "height": 900}, pages[:2]), ({"width": 390, "height": 844}, pages[1:2])):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for path in paths:
            page.goto(f"{site}/{at(language, path)}")
            page.wait_for_load_state("load")
            for other in EDITIONS.values():
                if other.language == language:
                    continue
                switch = page.locator(f".article-header-buttons a.btn-nnfs-language.nnfs-language-{other.hreflang}")
                expect(switch).to_be_visible()
                expect(switch).to_contain_text(other.name)
                switch.click()
                page.wait_for_url(f"{site}/{at(other.language, path)}")
                assert page.evaluate("document.documentElement.lang") == other.hreflang
                assert len(context.pages) == 1, "the switch opened another tab"
                page.go_back()
        context.close()


def test_the_chinese_search_finds_chinese_words(browser, site):
    zh = [language for language in LANGUAGES if language.startswith("zh")]
    if not zh:
        pytest.skip("no Chinese edition")
    recorder = Recorder(browser, [site])
    page = recorder.page()
    page.goto(f"{site}/{at(zh[0], 'search.html')}?q=神经元")
    results = page.locator("#search-results ul.search li a")
    expect(results.first).to_be_visible(timeout=30000)
    links = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("book/01_neuron.html" in link for link in links), links
    assert not recorder.errors() and not recorder.blocked, (recorder.errors(), recorder.blocked)
    recorder.context.close()

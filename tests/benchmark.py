"""Time one slider move of every interactive figure, as the learner waits for it.

Two columns per view. *Server*: the view's ``update`` plus rendering the PNG
the notebook shows, timed in this process; each slider is dragged across its
range in turn (at least 60 moves per view), after the one full render the
widget makes when it first appears. *End to end*: what a learner feels in
JupyterLab, from a key press on the view's first slider (ArrowRight or
ArrowLeft on its focused handle) to the new picture loaded in the page (the
widget's <img> has a new src and the image is decoded), after Run All in a
JupyterLab started with ``make lab``'s options, driven by Playwright and
Debian's Chromium (as tests/test_lab.py does). End to end is split into
*kernel* (key press to the new PNG received over the kernel's websocket) and
*page* (PNG received to picture decoded).

    make bench   (or: .venv/bin/python tests/benchmark.py [--moves N] [--lab-moves N])

Targets: server median under 30 ms, end to end median under 60 ms, worst under
150 ms for both; on an idle machine (the load average is printed). This prints;
it asserts nothing. Every wait is bounded: a view that cannot be measured says
why in the table.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book"))

import nnlib.views  # noqa: E402,F401  (imports every chapter's views)
from nnlib.live import VIEWS  # noqa: E402

MEDIAN_TARGET_MS, WORST_TARGET_MS = 30, 150


def moves(view_class, n_moves):
    """Slider settings for ``n_moves`` moves: each slider swept up and back in turn."""
    per_slider = max(2, -(-n_moves // len(view_class.sliders)))  # ceiling division
    plan = []
    for name, slider in view_class.sliders.items():
        sweep = slider.values(per_slider // 2 + 1)
        sweep = sweep + sweep[-2::-1]  # up, then back down
        plan += [(name, value) for value in sweep[1 : per_slider + 1]]
    return plan


def time_view(view_class, n_moves):
    view = view_class()
    view.png()  # the first full render, made once when the widget appears
    times = []
    for name, value in moves(view_class, n_moves):
        start = time.perf_counter()
        view.update(**{name: value})
        view.png()
        times.append((time.perf_counter() - start) * 1000)
    return times





# -- end to end, in JupyterLab -------------------------------------------------------

from browsers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (tests/browsers.py, beside this script)
from labserver import BIN, lab_env, running_lab  # noqa: E402  (tests/labserver.py)
TOKEN = "bench-token"
E2E_MEDIAN_TARGET_MS, E2E_WORST_TARGET_MS = 60, 150
MOVE_TIMEOUT_MS = 3000  # a move with no new picture after this long counts as lost
GAP_MS = 250  # between moves, so each one starts with the kernel idle

# Records when the page hears from the kernel (its websocket), to split a move into
# the trip to the kernel and back (the new PNG received) and the page's own part.
SPY_JS = """(() => {
  const Native = window.WebSocket;
  window.__frames = [];
  window.WebSocket = function (url, protocols) {
    const socket = new Native(url, protocols);
    if (String(url).includes('/channels')) {
      socket.addEventListener('message', e => {
        const size = e.data.byteLength || e.data.size || e.data.length || 0;
        window.__frames.push([performance.now(), size]);
      });
    }
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();"""

# Arms one move: the keydown's time stamp, then the time the widget's <img> has a new
# src and that image is decoded (ready to paint).
ARM_JS = """box => {
  const img = box.querySelector('img'), handle = box.querySelector('.noUi-handle');
  const m = window.__move = {start: null, end: null};
  window.__frames = [];
  handle.addEventListener('keydown', e => { m.start = e.timeStamp; },
                          {capture: true, once: true});
  const observer = new MutationObserver(() => {
    observer.disconnect();
    img.decode().then(() => { m.end = performance.now(); }, () => { m.end = -1; });
  });
  observer.observe(img, {attributes: true, attributeFilter: ['src']});
  m.observer = observer;
}"""

KERNEL_IDLE_JS = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = w && w.sessionContext && w.sessionContext.session
                 && w.sessionContext.session.kernel;
  const running = [...document.querySelectorAll('.jp-InputPrompt')]
                  .some(p => p.textContent.includes('*'));
  return !!kernel && kernel.status === 'idle' && !running;
}"""

MOVED_JS = "window.__move.end !== null && window.__move.start !== null"
SHUTDOWN_JS = "window.jupyterapp.shell.currentWidget.sessionContext.shutdown()"

# The live widget of a view: the last one whose hidden frames spec names its class.
FIND_JS = """name => {
  const specs = [...document.querySelectorAll('.nnfs-frames')]
                .filter(e => e.textContent.includes(':' + name + '"'));
  if (!specs.length) return false;
  const box = specs[specs.length - 1].parentElement;
  box.setAttribute('data-bench', name);
  return !!(box.querySelector('img') && box.querySelector('.noUi-handle'));
}"""


def chapters_with_views() -> dict[str, list[str]]:
    """Notebook name -> the View classes it shows with ``SomeView().widget()``."""
    found = {}
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        names = re.findall(r"\b([A-Z]\w*View)\(\)\.widget\(\)", text)
        if names:
            found[path.name] = list(dict.fromkeys(names))
    return found


@contextlib.contextmanager
def jupyterlab(tmp: Path):
    """JupyterLab on a copy of the book, own data and config folders, chapters trusted.

    Every cell is rendered (windowing off), nothing is saved back (autosave off),
    and the app is reachable from the page (``window.jupyterapp``), so that the
    bench can Run All and wait for the kernel.
    """
    root, home = tmp / "book", tmp / "home"
    shutil.copytree(ROOT / "book", root,
                    ignore=shutil.ignore_patterns("_build", "__pycache__"))
    env = lab_env(home)
    for plugin, setting in [("notebook-extension/tracker", {"windowingMode": "none"}),
                            ("docmanager-extension/plugin", {"autosave": False})]:
        path = home / "settings" / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(setting), encoding="utf-8")
    subprocess.run([BIN / "jupyter", "trust", *sorted(root.glob("*.ipynb"))], env=env,
                   check=True, capture_output=True, timeout=120)
    subprocess.run([BIN / "jupyter", "labextension", "disable", "--level=user",
                    "@jupyterlab/apputils-extension:announcements"], env=env,
                   check=True, capture_output=True, timeout=120)
    with running_lab(root, env, tmp / "lab.log", TOKEN,
                     "--LabApp.expose_app_in_browser=True") as url:
        yield url


def run_all(page, url: str, name: str) -> None:
    """Open a chapter, Run All, wait (bounded) until every cell ran, the kernel idle."""
    workspace = f"bench-{name.split('_')[0]}"  # its own, or JupyterLab reopens the last
    page.goto(f"{url}/lab/workspaces/{workspace}/tree/{name}?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook", timeout=90_000)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=90_000, polling=250)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(500)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=300_000, polling=250)


def time_view_in_lab(page, view_name: str, n_moves: int):
    """Key presses on the view's first slider, each to its new picture decoded.

    Returns ``(moves, note)``: per move the milliseconds from the key press to the
    picture decoded, to its PNG received from the kernel, and from there to decoded.
    """
    if not page.evaluate(FIND_JS, view_name):
        return [], "no live widget found after Run All"
    box = page.locator(f"[data-bench='{view_name}']")
    box.scroll_into_view_if_needed(timeout=10_000)
    handle = box.locator(".noUi-handle").first
    handle.focus(timeout=10_000)
    times, lost, key = [], 0, "ArrowRight"
    for i in range(n_moves):
        now, low, high = (float(handle.get_attribute(f"aria-value{part}", timeout=5_000))
                          for part in ("now", "min", "max"))
        if i and i % 10 == 0:  # back and forth around the start value
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
        if now >= high - 1e-9:
            key = "ArrowLeft"
        elif now <= low + 1e-9:
            key = "ArrowRight"
        box.evaluate(ARM_JS)
        page.keyboard.press(key)
        try:
            page.wait_for_function(MOVED_JS, timeout=MOVE_TIMEOUT_MS, polling="raf")
        except PlaywrightTimeout:
            page.evaluate("window.__move.observer.disconnect()")
            lost += 1
        else:
            start, end, frames = page.evaluate(
                "[window.__move.start, window.__move.end, window.__frames]")
            if end < 0:
                lost += 1
            else:
                # the largest message the kernel sent during the move is the new PNG
                received = max(frames, key=lambda f: f[1])[0] if frames else end
                times.append((end - start, received - start, end - received))
        page.wait_for_timeout(GAP_MS)
    note = f"{lost} of {n_moves} moves lost (no picture in 3 s)" if lost else ""
    return times, note


def end_to_end(n_moves: int) -> dict[str, tuple]:
    """View name -> (moves, note) measured in JupyterLab; ``"*"`` when none could be."""
    global PlaywrightTimeout
    try:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"*": ([], "skipped: no Playwright")}
    if not Path(CHROMIUM).exists():
        return {"*": ([], f"skipped: no Chromium at {CHROMIUM}")}
    results = {}
    with tempfile.TemporaryDirectory() as tmp, jupyterlab(Path(tmp)) as url, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=CHROMIUM_ARGS)
        try:
            for chapter, view_names in chapters_with_views().items():
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.add_init_script(SPY_JS)
                page.set_default_timeout(30_000)
                try:
                    run_all(page, url, chapter)
                    for view_name in view_names:
                        try:
                            results[view_name] = time_view_in_lab(page, view_name,
                                                                  n_moves)
                        except Exception as error:  # noqa: BLE001 - said in the table
                            results[view_name] = ([], f"failed: {type(error).__name__}")
                    page.evaluate(SHUTDOWN_JS)
                    page.wait_for_timeout(500)
                except Exception as error:  # noqa: BLE001 - said in the table
                    note = f"{chapter} did not run within 5 min: {type(error).__name__}"
                    for view_name in view_names:
                        results.setdefault(view_name, ([], note))
                finally:
                    page.close()
        finally:
            browser.close()
    return results


def verdict(median: float, worst: float, targets: tuple[float, float]) -> str:
    return "met" if median < targets[0] and worst < targets[1] else "MISSED"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=60,
                        help="server-side slider moves per view (at least 50)")
    parser.add_argument("--lab-moves", type=int, default=24,
                        help="key presses per view in JupyterLab (0: no end to end)")
    args = parser.parse_args(argv)
    if args.moves < 50:
        parser.error(f"expected --moves of at least 50, got {args.moves}")
    if args.lab_moves < 0:
        parser.error(f"expected --lab-moves of 0 or more, got {args.lab_moves}")

    load_before = os.getloadavg()
    rows = []
    for view_class in VIEWS:
        times = time_view(view_class, args.moves)
        chapter = view_class.__module__.rsplit(".", 1)[-1]
        rows.append((chapter, view_class.__name__, statistics.median(times),
                     max(times)))
    lab = end_to_end(args.lab_moves) if args.lab_moves else {"*": ([], "not measured")}
    load_after = os.getloadavg()

    header = (f"{'chapter':<16} {'view':<20} {'server ms':>9} {'worst':>6}  "
              f"{'target':<6}  {'end to end ms':>13} {'worst':>6}  {'target':<6}  "
              f"{'kernel':>6} {'page':>5}  note")
    print(header)
    print("-" * len(header))
    for chapter, name, median, worst in rows:
        ok = verdict(median, worst, (MEDIAN_TARGET_MS, WORST_TARGET_MS))
        times, note = lab.get(name, lab.get("*", ([], "not shown by any chapter")))
        if times:
            total, kernel, page = ([move[i] for move in times] for i in range(3))
            e2e_median, e2e_worst = statistics.median(total), max(total)
            e2e_ok = verdict(e2e_median, e2e_worst,
                             (E2E_MEDIAN_TARGET_MS, E2E_WORST_TARGET_MS))
            e2e = (f"{e2e_median:>13.1f} {e2e_worst:>6.1f}  "
                   f"{e2e_ok if not note else 'MISSED':<6}  "
                   f"{statistics.median(kernel):>6.1f} {statistics.median(page):>5.1f}")
            note = f"{len(times)} moves" + (f"; {note}" if note else "")
        else:
            e2e = f"{'-':>13} {'-':>6}  {'-':<6}  {'-':>6} {'-':>5}"
        server = f"{median:>9.1f} {worst:>6.1f}  {ok:<6}"
        print(f"{chapter:<16} {name:<20} {server}  {e2e}  {note}")
    print(f"\nserver: one update plus PNG, {args.moves} moves per view; "
          f"target median < {MEDIAN_TARGET_MS} ms, worst < {WORST_TARGET_MS} ms")
    print("end to end: JupyterLab in Chromium, a key press on the view's first slider "
          "to its new\n  picture decoded in the page; target median < "
          f"{E2E_MEDIAN_TARGET_MS} ms, worst < {E2E_WORST_TARGET_MS} ms\n"
          "  kernel, page (medians): key press to the new PNG received over the "
          "websocket (the trip\n  to the kernel, update and PNG, the trip back); "
          "then to the picture decoded")
    print(f"load average (1, 5, 15 min) on {os.cpu_count()} cores: before "
          f"{', '.join(f'{x:.2f}' for x in load_before)}; after (the bench's own "
          f"Run All included) {', '.join(f'{x:.2f}' for x in load_after)}")


if __name__ == "__main__":
    main()

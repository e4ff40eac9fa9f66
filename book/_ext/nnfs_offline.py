"""The HTML book works offline and goes live on a local kernel (a local Sphinx extension).

* Fetches the pinned scripts and fonts (``book/_offline/fetch_assets.py``)
  and hands their folder to Sphinx, so they are served from ``<site>/_offline/``.
* Tells the ipywidgets HTML manager where its own fonts are (it would look
  beside the page).
* Drops sphinx-thebe's page scripts: they load thebe 0.8 from a CDN, assume
  Binder, and declare ``const THEBE_JS_URL`` twice on a page (a console
  error). ``_offline/live.js`` runs "Live Code" instead.
* Gives the theme a valid colour mode, so a first visit logs no error.
* Draws, for every slider figure on a page, its pictures along each slider
  (the other sliders at their start values) into ``<site>/_offline/frames/``
  and tells the page where they are, so ``live.js`` can show the right one
  when a reader moves a slider without a kernel. ``nnlib.live.View.widget``
  leaves the view's name and start values in a hidden ``nnfs-frames`` child;
  the pictures are cached in ``_build/.frames/`` while ``nnlib`` and this file are unchanged.

The script and stylesheet addresses themselves are in ``_config.yml``. A translated edition
(``nnfs_i18n``, built into ``<site>/zh/`` after the English one) uses the English edition's
``<site>/_offline/``: its addresses get one more ``../`` and nothing is copied again.
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
import io
import json
import shutil
import sys
import time
from pathlib import Path

from sphinx.application import Sphinx

from nnfs_i18n import site_prefix

HERE = Path(__file__).resolve().parent
BOOK = HERE.parent
FETCH = BOOK / "_offline" / "fetch_assets.py"
FRAME_CACHE = BOOK.parent / "_build" / ".frames"
FRAMES_PER_SLIDER = 11
FRAME_FORMAT = "webp"  # lossless: the very pixels of the figure, about half the size of its PNG


def _fetch_assets() -> Path:
    spec = importlib.util.spec_from_file_location("nnfs_fetch_assets", FETCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()
    return module.SITE.parent  # the folder whose _offline/ goes to the site root


def _shared(path, prefix: str):
    """An ``../_offline/`` address (a str, or the first item of a [path, attributes] pair) of
    an edition whose site root is ``prefix`` above its own."""
    if isinstance(path, (list, tuple)) and path:
        return [_shared(path[0], prefix), *path[1:]]
    if isinstance(path, str) and path.startswith("../_offline/"):
        return "../" + prefix + path[len("../"):]
    return path


def config_inited(app: Sphinx, config) -> None:
    prefix = site_prefix(config.language)
    if prefix:  # a translated edition: the English build has put _offline/ at the site root
        config.mathjax_path = _shared(config.mathjax_path, prefix)
        config.nb_ipywidgets_js = {_shared(k, prefix): v for k, v in config.nb_ipywidgets_js.items()}
        config.html_js_files = [_shared(f, prefix) for f in config.html_js_files]
        config.html_css_files = [_shared(f, prefix) for f in config.html_css_files]
    else:
        site = _fetch_assets()
        if str(site) not in map(str, config.html_extra_path):
            config.html_extra_path = [*config.html_extra_path, str(site)]
    # the theme's first-visit colour mode ("" makes pydata-sphinx-theme log an error)
    config.html_context = {"default_mode": "auto", **(config.html_context or {})}
    config.html_theme_options = repository_buttons(config.html_theme_options or {})


NEEDS_REPOSITORY = ("binderhub_url", "colab_url", "jupyterhub_url", "deepnote_url", "jupyterlite_url")
"""Launchers that open the chapter from the published repository."""


def repository_buttons(options: dict) -> dict:
    """The header buttons that fit ``repository.url``: with it, the GitHub and issues buttons
    and every launcher; without it none of them (no link may lead nowhere), while Live Code
    (live.js adds its own button) and the .ipynb download stay."""
    options = dict(options)
    if options.get("repository_url"):
        options.setdefault("use_repository_button", True)
        options.setdefault("use_issues_button", True)
    else:
        options.update(use_repository_button=False, use_issues_button=False, use_edit_page_button=False)
        options["launch_buttons"] = {**(options.get("launch_buttons") or {}),
                                     **{key: "" for key in NEEDS_REPOSITORY}}
    return options


WIDGET_MODULES = ["@jupyter-widgets/base", "@jupyter-widgets/base7", "@jupyter-widgets/controls",
                  "@jupyter-widgets/controls7", "@jupyter-widgets/html-manager",
                  "@jupyter-widgets/html-manager/dist/libembed-amd"]
WIDGET_ASSETS = ("(function () { var base = new URL(%%r, document.baseURI).href, paths = {};"
                 " %s.forEach(function (m) { paths[m] = base + m.split('/').pop(); });"
                 " window.__jupyter_widgets_assets_path__ = base;"
                 " window.require = {paths: paths}; })();" % WIDGET_MODULES)


# ---- the pictures along each slider, for pages read without a kernel ------------------------
def _nnlib_fingerprint() -> str:
    """Changes whenever anything that draws the figures (nnlib, this file) may have changed."""
    import matplotlib
    import PIL

    digest = hashlib.sha1(f"{FRAMES_PER_SLIDER} {FRAME_FORMAT} {matplotlib.__version__} "
                          f"{PIL.__version__}".encode())
    for path in sorted([*(BOOK / "nnlib").rglob("*.py"), Path(__file__).resolve()]):
        digest.update(path.relative_to(BOOK).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _frame_specs(scripts) -> list[dict]:
    """The ``nnfs-frames`` markers in a page's saved widget state."""
    specs = []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        if attributes.get("type") != "application/vnd.jupyter.widget-state+json":
            continue
        state = json.loads(attributes.get("body") or "{}").get("state", {})
        for model in state.values():
            inner = model.get("state", {})
            if "nnfs-frames" in (inner.get("_dom_classes") or []):
                specs.append(json.loads(html.unescape(inner.get("value", ""))))
    return specs


def _render(spec: dict, folder: Path) -> dict:
    """Draw a view's pictures into ``folder``; return what the page needs to know about them."""
    if str(BOOK) not in sys.path:
        sys.path.insert(0, str(BOOK))
    from PIL import Image

    from nnlib.live import frames_key, render_frames, view_class

    if frames_key(spec) != spec.get("key"):
        raise ValueError(f"the nnfs-frames marker's key does not match its view and values: {spec}")
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    sliders: dict[str, dict] = {}
    for name, value, png in render_frames(spec, FRAMES_PER_SLIDER):
        file = "start" if name is None else f"{name}-{len(sliders.setdefault(name, {'frames': {}})['frames'])}"
        image = Image.open(io.BytesIO(png)).convert("RGB")
        image.save(tmp / f"{file}.{FRAME_FORMAT}", format=FRAME_FORMAT, lossless=True, method=4)
        if name is not None:
            sliders[name]["frames"][repr(value)] = (value, f"{file}.{FRAME_FORMAT}")
    cls = view_class(spec)
    manifest = {"key": spec["key"], "view": spec["view"], "start": f"start.{FRAME_FORMAT}", "sliders": []}
    for name, slider in cls.sliders.items():
        values = slider.frame_values(FRAMES_PER_SLIDER)
        drawn = sliders.get(name, {"frames": {}})["frames"]
        manifest["sliders"].append({
            "name": name, "log": slider.log, "integer": slider.integer, "start": spec["values"][name],
            "values": values,
            "files": [drawn[repr(v)][1] if repr(v) in drawn else manifest["start"] for v in values],
        })
    (tmp / "frames.json").write_text(json.dumps(manifest), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return manifest


FRAMES_DRAWN: dict[str, float] = {}  # key -> seconds spent drawing it in this build (0 when cached)


def _frames(app: Sphinx, spec: dict) -> dict:
    """The view's pictures in the built site (drawn, or copied from the cache); their manifest."""
    cache = FRAME_CACHE / _nnlib_fingerprint() / spec["key"]
    if not (cache / "frames.json").exists():
        for old in FRAME_CACHE.glob("*"):  # pictures of an older nnlib are never shown again
            if old.is_dir() and old != cache.parent:
                shutil.rmtree(old, ignore_errors=True)
        start = time.perf_counter()
        _render(spec, cache)
        FRAMES_DRAWN[spec["key"]] = time.perf_counter() - start
    else:
        FRAMES_DRAWN.setdefault(spec["key"], 0.0)
    target = Path(app.outdir) / site_prefix(app.config.language) / "_offline" / "frames" / spec["key"]
    if not (target / "frames.json").exists():
        shutil.copytree(cache, target, dirs_exist_ok=True)
    return json.loads((cache / "frames.json").read_text(encoding="utf-8"))


FRAMES_SCRIPT = "window.nnfsFrames = {base: new URL(%s, document.baseURI).href, views: %s};"


def page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if scripts is None:
        return
    specs = _frame_specs(scripts)
    if specs:
        views = {spec["key"]: _frames(app, spec) for spec in specs}
        base = json.dumps(context["pathto"](site_prefix(app.config.language) + "_offline/frames/", 1))
        app.add_js_file(None, priority=400, body=FRAMES_SCRIPT % (base, json.dumps(views, sort_keys=True)))
    for script in list(scripts):
        body = getattr(script, "attributes", {}).get("body", "") or ""
        name = getattr(script, "filename", None) or ""
        if "THEBE_JS_URL" in body or name.endswith("sphinx-thebe.js"):
            scripts.remove(script)
    if any("html-manager/embed-amd.js" in (getattr(script, "filename", None) or "") for script in scripts):
        # The manager's modules find their fonts beside their require.js address
        # (module.uri): give every module it defines an address in its own folder.
        app.add_js_file(None, priority=400, body=WIDGET_ASSETS % context["pathto"](
            site_prefix(app.config.language) + "_offline/html-manager/", 1))


def build_finished(app: Sphinx, exception) -> None:
    if FRAMES_DRAWN and exception is None:
        drawn = {k: t for k, t in FRAMES_DRAWN.items() if t}
        folder = Path(app.outdir) / site_prefix(app.config.language) / "_offline" / "frames"
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) if folder.exists() else 0
        print(f"nnfs_offline: slider pictures for {len(FRAMES_DRAWN)} figures, {size / 1e6:.1f} MB "
              f"in _offline/frames ({len(drawn)} drawn in {sum(drawn.values()):.1f} s, the rest cached)")
    FRAMES_DRAWN.clear()


# ---- printed text as printed ------------------------------------------------------------------
def _join_split_prints() -> None:
    """A kernel under load flushes a print's text in pieces ("b1:", then " (2,) ..."), and
    myst-nb's nb_merge_streams puts a newline after each piece: the page showed a line the
    print never wrote. Join consecutive pieces of a stream exactly first (as nbval does)."""
    import myst_nb.core.render as render

    merge = getattr(render.coalesce_streams, "__wrapped__", render.coalesce_streams)

    def coalesce_streams(outputs):
        joined = []
        for output in outputs or []:
            last = joined[-1] if joined else None
            if (output.get("output_type") == "stream" and last is not None
                    and last.get("output_type") == "stream" and last.get("name") == output.get("name")):
                last["text"] = last["text"] + output["text"]
            else:
                joined.append(output)
        return merge(joined)

    coalesce_streams.__wrapped__ = merge
    render.coalesce_streams = coalesce_streams


def setup(app: Sphinx) -> dict:
    _join_split_prints()
    app.connect("config-inited", config_inited)
    app.connect("build-finished", build_finished)
    app.connect("html-page-context", page_context, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

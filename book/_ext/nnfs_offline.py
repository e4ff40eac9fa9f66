"""The HTML book works offline and goes live on a local kernel (a local Sphinx extension).

* Fetches the pinned scripts and fonts (``book/_offline/fetch_assets.py``)
  and hands their folder to Sphinx, so they are served from ``<site>/_offline/``.
* Tells the ipywidgets HTML manager where its own fonts are (it would look
  beside the page).
* Drops sphinx-thebe's page scripts: they load thebe 0.8 from a CDN, assume
  Binder, and declare ``const THEBE_JS_URL`` twice on a page (a console
  error). ``_offline/live.js`` runs "Live Code" instead.
* Gives the theme a valid colour mode, so a first visit logs no error.

The script and stylesheet addresses themselves are in ``_config.yml``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sphinx.application import Sphinx

HERE = Path(__file__).resolve().parent
FETCH = HERE.parent / "_offline" / "fetch_assets.py"


def _fetch_assets() -> Path:
    spec = importlib.util.spec_from_file_location("nnfs_fetch_assets", FETCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()
    return module.SITE.parent  # the folder whose _offline/ goes to the site root


def config_inited(app: Sphinx, config) -> None:
    site = _fetch_assets()
    if str(site) not in map(str, config.html_extra_path):
        config.html_extra_path = [*config.html_extra_path, str(site)]
    # the theme's first-visit colour mode ("" makes pydata-sphinx-theme log an error)
    config.html_context = {"default_mode": "auto", **(config.html_context or {})}


WIDGET_MODULES = ["@jupyter-widgets/base", "@jupyter-widgets/base7", "@jupyter-widgets/controls",
                  "@jupyter-widgets/controls7", "@jupyter-widgets/html-manager",
                  "@jupyter-widgets/html-manager/dist/libembed-amd"]
WIDGET_ASSETS = ("(function () { var base = new URL(%%r, document.baseURI).href, paths = {};"
                 " %s.forEach(function (m) { paths[m] = base + m.split('/').pop(); });"
                 " window.__jupyter_widgets_assets_path__ = base;"
                 " window.require = {paths: paths}; })();" % WIDGET_MODULES)


def page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if scripts is None:
        return
    for script in list(scripts):
        body = getattr(script, "attributes", {}).get("body", "") or ""
        name = getattr(script, "filename", None) or ""
        if "THEBE_JS_URL" in body or name.endswith("sphinx-thebe.js"):
            scripts.remove(script)
    if any("html-manager/embed-amd.js" in (getattr(script, "filename", None) or "") for script in scripts):
        # The manager's modules find their fonts beside their require.js address
        # (module.uri): give every module it defines an address in its own folder.
        app.add_js_file(None, priority=400, body=WIDGET_ASSETS % context["pathto"]("_offline/html-manager/", 1))


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", config_inited)
    app.connect("html-page-context", page_context, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

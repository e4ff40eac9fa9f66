"""The book's editions: English, and each translation built from the same pages (a local Sphinx
extension).

The English notebooks and pages are the only source. A translated edition is the same build
with ``language`` set (``tools/build_book.py`` runs it into ``<site>/zh/``): Sphinx translates
every paragraph, heading, list item and table cell through the page's catalog,
``locales/<language>/LC_MESSAGES/<page>.po``. What gettext does not extract goes through one
more catalog, ``locales/<language>/LC_MESSAGES/ui.po`` (``tools/translations.py`` writes its
template from the sources), and this extension applies it:

* figure alt texts (``mystnb.image.alt`` in a cell's metadata; a slider figure's ``alt``),
* slider labels in the pages' saved widget state,
* the folded cells' "Show solution" / "Show code cell source" prompts,
* the messages of ``_offline/live.js`` (handed to the page as ``window.nnfsEdition``),
* the assignment box (``nnfs_assignments.py`` asks :func:`gettext`).

Every page gets a language switch in its header, linking the same page in the other editions,
and ``<link rel="alternate" hreflang=...>`` for each of them. A translated edition shares the
English edition's ``_offline/`` folder (MathJax, the widget manager, thebe, the slider pictures)
instead of copying it: ``nnfs_offline`` asks :func:`site_prefix` where it is.
"""

from __future__ import annotations

import functools
import html
import json
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
UI_DOMAIN = "ui"


@dataclass(frozen=True)
class Edition:
    language: str  # Sphinx's ``language``, and the locales/ folder name
    folder: str  # where its pages go in the site ("" is the site root)
    hreflang: str  # BCP 47, as <html lang> and hreflang write it
    name: str  # the switch's label, in the edition's own language
    english: str  # its name in English ("This page in Chinese", translated in its ui.po)


EDITIONS = {
    "en": Edition("en", "", "en", "English", "English"),
    "zh_CN": Edition("zh_CN", "zh", "zh-CN", "中文", "Chinese"),
}
"""Every edition of the book. Adding a language: an entry here, its catalogs (README)."""


def edition(language: str | None) -> Edition:
    language = language or "en"
    if language not in EDITIONS:
        raise ValueError(f"no edition for language {language!r}; known: {sorted(EDITIONS)}")
    return EDITIONS[language]


def site_prefix(language: str | None) -> str:
    """From an edition's output folder up to the site root: "" for English, "../" for zh."""
    folder = edition(language).folder
    return "../" * len(folder.split("/")) if folder else ""


@functools.lru_cache(maxsize=None)
def catalog(language: str, domain: str) -> dict[str, str]:
    """The finished translations of a catalog (no empty, no fuzzy entry): msgid → msgstr."""
    from babel.messages.pofile import read_po

    path = LOCALES / language / "LC_MESSAGES" / f"{domain}.po"
    if language == "en" or not path.exists():
        return {}
    with path.open("rb") as file:
        messages = read_po(file)
    return {m.id: m.string for m in messages
            if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def gettext(language: str | None, message: str, domain: str = UI_DOMAIN) -> str:
    """``message`` in ``language`` (itself while untranslated)."""
    return catalog(language or "en", domain).get(message, message)


def toc_for(language: str, source: Path, target: Path) -> Path:
    """A copy of the toc with its part captions translated (Sphinx does not translate them;
    their translations are in the root page's catalog, where gettext puts them)."""
    import yaml

    toc = yaml.safe_load(source.read_text(encoding="utf-8"))
    root = catalog(language, toc["root"])
    for part in toc.get("parts", []):
        if "caption" in part:
            part["caption"] = root.get(part["caption"], part["caption"])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


# ---- the build -----------------------------------------------------------------------------
def config_inited(app: Sphinx, config) -> None:
    language = config.language or "en"
    edition(language)  # an unknown language fails here, before the build
    if language != "en":
        # the title is the root page's first heading: the root page's catalog has it
        import yaml

        toc = Path(app.srcdir) / (getattr(config, "external_toc_path", None) or "_toc.yml")
        root = yaml.safe_load(toc.read_text(encoding="utf-8"))["root"] if toc.exists() else "book/intro"
        title = config.html_title or config.project
        config.html_title = gettext(language, title, root)


def translate_doctree(app: Sphinx, doctree, docname) -> None:
    """Alt texts and folded-cell prompts, which gettext does not see."""
    language = app.config.language or "en"
    if language == "en":
        return
    for image in doctree.findall(nodes.image):
        if image.get("alt"):
            image["alt"] = gettext(language, image["alt"])
    for node in doctree.findall(nodes.Element):
        for key in ("prompt_show", "prompt_hide"):
            if isinstance(node.get(key), str):
                node[key] = gettext(language, node[key])


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def translate_widget_state(state: dict, language: str) -> dict:
    """Slider labels and the figures' alt texts (the hidden ``nnfs-alt`` child) in a page's
    saved widget state."""
    for model in state.get("state", {}).values():
        inner = model.get("state", {})
        if "nnfs-alt" in (inner.get("_dom_classes") or []) and inner.get("value"):
            inner["value"] = html.escape(gettext(language, html.unescape(inner["value"])))
        elif model.get("model_name", "").endswith("SliderModel") and inner.get("description"):
            inner["description"] = gettext(language, inner["description"])
    return state


def live_messages(language: str) -> dict[str, str]:
    """What live.js shows (its messages and the slider labels), translated."""
    from babel.messages.pofile import read_po

    path = LOCALES / language / "LC_MESSAGES" / f"{UI_DOMAIN}.po"
    if language == "en" or not path.exists():
        return {}
    with path.open("rb") as file:
        wanted = {m.id for m in read_po(file)
                  if any(c.startswith(("live.js", "slider")) for c in m.auto_comments)}
    return {k: v for k, v in catalog(language, UI_DOMAIN).items() if k in wanted}


def other_editions(pagename: str, language: str) -> list[tuple[Edition, str]]:
    """Each other edition and the address of this page there, relative to this page."""
    here = edition(language)
    up = "../" * pagename.count("/") + site_prefix(language)
    return [(other, f"{up}{other.folder + '/' if other.folder else ''}{pagename}.html")
            for other in EDITIONS.values() if other != here]


def page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    language = app.config.language or "en"
    here = edition(language)
    links = other_editions(pagename, language)
    alternates = [f'<link rel="alternate" hreflang="{here.hreflang}" href="{pagename.split("/")[-1]}.html" />']
    alternates += [f'<link rel="alternate" hreflang="{e.hreflang}" href="{url}" />' for e, url in links]
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(alternates)
    buttons = context.get("header_buttons")
    if buttons is not None:
        for other, url in reversed(links):
            buttons.insert(0, {"type": "link", "url": url, "text": other.name, "icon": "fas fa-language",
                               "tooltip": gettext(other.language, f"This page in {other.english}"),
                               "label": f"nnfs-language nnfs-language-{other.hreflang}"})
    scripts = context.get("script_files")
    if scripts is None:
        return
    if language != "en":
        for i, script in enumerate(scripts):
            attributes = getattr(script, "attributes", {}) or {}
            if attributes.get("type") == WIDGET_STATE and attributes.get("body"):
                state = translate_widget_state(json.loads(attributes["body"]), language)
                scripts[i] = type(script)(script.filename, priority=script.priority,
                                          **{**attributes, "body": json.dumps(state)})
    setting = {"lang": here.hreflang, "prefix": here.folder + "/" if here.folder else "",
               "messages": live_messages(language)}
    app.add_js_file(None, priority=300, body="window.nnfsEdition = %s;" % json.dumps(setting, ensure_ascii=False).replace("</", "<\\/"))


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", config_inited, priority=400)
    app.connect("doctree-resolved", translate_doctree)
    app.connect("html-page-context", page_context, priority=800)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

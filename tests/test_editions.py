"""The editions of the built book, read from its HTML (the shared build; the browser checks are in
test_browser.py): every page of every edition, its language, its way to the other editions,
and what gettext does not translate (ui.po) reaching the Chinese pages.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import EDITION_FOLDERS, ROOT, toc_pages

from nnfs_i18n import EDITIONS, catalog, gettext, live_messages, toc_for

PAGES = ["search.html", "genindex.html"] + [f"{page}.html" for page in toc_pages()]
CJK = re.compile(r"[\u4e00-\u9fff]")


def edition_root(built_book: Path, language: str) -> Path:
    folder = EDITION_FOLDERS[language]
    return built_book / folder if folder else built_book


def read(built_book: Path, language: str, page: str) -> str:
    return (edition_root(built_book, language) / page).read_text(encoding="utf-8")


def test_editions_are_declared_once():
    assert EDITION_FOLDERS["en"] == "" and EDITIONS["zh_CN"].folder == "zh"
    assert len({e.folder for e in EDITIONS.values()}) == len(EDITIONS)


@pytest.mark.parametrize("language", EDITIONS)
def test_every_page_of_every_edition_is_built_in_its_language(built_book, language):
    lang = EDITIONS[language].hreflang
    for page in PAGES:
        text = read(built_book, language, page)
        assert re.search(rf'<html lang="{lang}"', text), f"{language} {page}: not <html lang=\"{lang}\">"
        for mark in ("Traceback (most recent call last)", "output traceback", "output stderr"):
            assert mark not in text, f"{language} {page} shows a Python error ({mark!r})"


@pytest.mark.parametrize("language", EDITIONS)
def test_every_page_links_the_same_page_in_the_other_editions(built_book, language):
    """The header's language switch and the hreflang alternates, both ways, lead to a built page."""
    for page in PAGES:
        here = edition_root(built_book, language) / page
        text = here.read_text(encoding="utf-8")
        alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', text))
        assert set(alternates) == {e.hreflang for e in EDITIONS.values()}, f"{language} {page}: {alternates}"
        for other in EDITIONS.values():
            target = (here.parent / alternates[other.hreflang]).resolve()
            assert target == (edition_root(built_book, other.language) / page).resolve(), (language, page, other)
            assert target.exists(), f"{language} {page}: hreflang {other.hreflang} leads to a missing page"
            if other.language != language:
                switch = re.search(r'<a href="([^"]+)"[^>]*\n?[^>]*class="btn btn-sm btn-nnfs-language '
                                   rf'nnfs-language-{other.hreflang}"', text)
                assert switch, f"{language} {page}: no switch to {other.name} in the header"
                assert (here.parent / switch.group(1)).resolve() == target
                assert f">{other.name}</span>" in text


def test_the_chinese_toc_has_the_chinese_part_captions(built_book, tmp_path):
    """Part captions come from the root page's catalog, and the zh toc lists the same pages."""
    toc = yaml.safe_load(toc_for("zh_CN", ROOT / "_toc.yml", tmp_path / "toc.yml").read_text(encoding="utf-8"))
    english = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    assert toc_pages(tmp_path / "toc.yml") == toc_pages()
    root = catalog("zh_CN", english["root"])
    text = read(built_book, "zh_CN", "book/intro.html")
    for part, translated in zip(english["parts"], toc["parts"]):
        assert translated["caption"] == root.get(part["caption"], part["caption"])
        assert f'<span class="caption-text">{htmllib.escape(translated["caption"])}</span>' in text
    translated = [p["caption"] for p in toc["parts"] if p["caption"] in root.values()]
    if len(translated) < len(toc["parts"]):
        pytest.xfail(f"intro.po translates only {translated} of the part captions yet")


def widget_state(text: str) -> dict:
    found = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', text, re.S)
    return json.loads(found.group(1).replace("<\\/", "</"))["state"] if found else {}


def test_figure_alt_texts_and_slider_labels_reach_chinese_readers(built_book):
    """ui.po's translations are on the zh pages: every image's alt text, every slider label and
    figure description in the saved widget state, the folded-cell prompts and the assignment box."""
    ui = catalog("zh_CN", "ui")
    assert ui, "ui.po has no translation"
    checked = {"alt": 0, "slider": 0, "figure": 0}
    for page in [f"{p}.html" for p in toc_pages()]:
        english, chinese = read(built_book, "en", page), read(built_book, "zh_CN", page)
        alts = re.findall(r'<img [^>]*alt="([^"]*)"', english)
        assert len(alts) == len(re.findall(r'<img [^>]*alt="([^"]*)"', chinese)), page
        for en, zh in zip(alts, re.findall(r'<img [^>]*alt="([^"]*)"', chinese)):
            en, zh = htmllib.unescape(en), htmllib.unescape(zh)
            assert zh == ui.get(en, en), f"{page}: alt text not translated: {en[:80]}"
            checked["alt"] += en in ui
        state_en, state_zh = widget_state(english), widget_state(chinese)
        for model_id, model in state_en.items():
            inner, shown = model["state"], state_zh[model_id]["state"]
            if model["model_name"].endswith("SliderModel"):
                assert shown["description"] == ui.get(inner["description"], inner["description"]), page
                checked["slider"] += 1
            elif "nnfs-alt" in (inner.get("_dom_classes") or []):
                assert htmllib.unescape(shown["value"]) == ui[htmllib.unescape(inner["value"])], page
                checked["figure"] += 1
        if "Show solution" in english:
            assert "Show solution" not in chinese and ui["Show solution"] in chinese, page
        if "nnfs-assignment" in english:
            assert ui["Assignment"] in chinese and ui["how to hand it out and grade it"] in chinese, page
    assert all(checked.values()), checked


def test_live_js_speaks_the_page_language(built_book):
    """Every message live.js shows goes through t() and has its translation on the zh pages."""
    script = (ROOT / "book" / "_offline" / "live.js").read_text(encoding="utf-8")
    shown = re.findall(r'(?:status|textContent\s*=|title\s*=)\(?\s*"([A-Z][^"]{3,})"', script)
    assert not shown, f"live.js shows English text without t(): {shown}"
    messages = live_messages("zh_CN")
    for message in ("Live Code", "Combining sliders needs Live Code: without a kernel this figure shows one "
                    "slider at a time, so {reset} went back to its start when you moved {moved}."):
        assert CJK.search(messages[message]), message
        assert messages[message].count("{") == message.count("{")
    text = read(built_book, "zh_CN", "book/01_neuron.html")
    setting = json.loads(re.search(r"window\.nnfsEdition = (.*?);</script>", text).group(1))
    assert setting["lang"] == "zh-CN" and setting["prefix"] == "zh/" and setting["messages"] == messages
    assert "window.nnfsEdition" in read(built_book, "en", "book/01_neuron.html")


def test_chinese_pages_share_the_english_assets(built_book):
    """One _offline/ and one assignments/ folder for the site; the zh pages point there."""
    zh = edition_root(built_book, "zh_CN")
    assert not (zh / "_offline").exists() and not (zh / "assignments").exists()
    text = read(built_book, "zh_CN", "book/01_neuron.html")
    for address in re.findall(r'(?:src|href)="([^"]*_offline/[^"?]*)', text) + \
            re.findall(r'href="([^"]*assignments/[^"]+\.ipynb)"', text):
        assert (zh / "book" / address).resolve().exists(), f"zh page links a missing {address}"
    frames = json.loads(re.search(r"new URL\((\"[^\"]+\")", text).group(1))
    assert (zh / "book" / frames).resolve() == (built_book / "_offline" / "frames").resolve()


def test_searching_chinese_finds_the_chapter(built_book):
    """The zh search index is cut into Chinese words (jieba): 神经元 finds Chapter 1. A query is
    cut the same way (反向传播: 反向, 传播) and a page must hold every part."""
    import jieba

    text = read(built_book, "zh_CN", "searchindex.js")
    index = json.loads(text[text.index("(") + 1: text.rindex(")")])
    for query, page in (("神经元", "book/01_neuron"), ("反向传播", "book/04_backprop"), ("导数", "book/01_neuron")):
        for word in {w for w in jieba.cut_for_search(query) if len(w) > 1}:
            found = []  # in its text or in a title (the search looks at both)
            for kind in ("terms", "titleterms"):
                docs = index[kind].get(word)
                found += [docs] if isinstance(docs, int) else (docs or [])
            assert index["docnames"].index(page) in found, f"searching {query} ({word}) does not find {page}"


def test_the_chinese_title_comes_from_the_intro_catalog(built_book):
    title = gettext("zh_CN", "Neural Networks from Scratch", "book/intro")
    assert f"&#8212; {htmllib.escape(title)}</title>" in read(built_book, "zh_CN", "book/01_neuron.html")

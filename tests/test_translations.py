"""The translated editions' catalogs (locales/<language>/LC_MESSAGES/): complete, up to date with
the English pages, faithful to their maths, code, links and numbers, and in the glossary's terms.

* Every message of every page is translated: the build's own gettext extraction of the English
  pages (``_build/gettext``, made by the shared ``built_book`` build) against the catalogs, so a
  new or changed English paragraph fails here, listed, until it is translated (``make
  translations`` adds it to the catalog, empty or ``#, fuzzy``).
* Each translation keeps its source's ``$…$`` maths, code spans, link targets and digits.
* Where the English names a glossary term (book/glossary.md), the translation uses the
  glossary's Chinese name (GLOSSARY_ALTERNATIVES: the few documented exceptions).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import EDITION_FOLDERS, ROOT

LOCALES = ROOT / "locales"
LANGUAGES = [language for language in EDITION_FOLDERS if language != "en"]


def catalogs(language: str) -> dict[str, Path]:
    """Catalog name (book/01_neuron, ui) → its .po file."""
    folder = LOCALES / language / "LC_MESSAGES"
    return {p.relative_to(folder).with_suffix("").as_posix(): p for p in sorted(folder.rglob("*.po"))}


def read(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def entries(language: str):
    """(catalog, msgid, msgstr) of every finished translation."""
    for name, path in catalogs(language).items():
        for message in read(path):
            if message.id and message.string and not message.fuzzy:
                yield name, message.id, message.string


def short(text: str, size: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


# ---- every message translated, the catalogs up to date ----------------------------------
def untranslated(templates: Path, folder: Path) -> list[str]:
    """Every message of the templates (``templates/<name>.pot``) without a finished translation
    in the catalogs (``folder/<name>.po``), with why: not in the catalog, fuzzy, untranslated."""
    missing = []
    for pot in sorted(templates.rglob("*.pot")):
        name = pot.relative_to(templates).with_suffix("").as_posix()
        po = folder / f"{name}.po"
        done = {m.id: m for m in read(po) if m.id} if po.exists() else {}
        for message in read(pot):
            if not message.id:
                continue
            entry = done.get(message.id)
            why = ("not in the catalog" if entry is None else "fuzzy" if entry.fuzzy
                   else "untranslated" if not entry.string else None)
            if why:
                missing.append(f"{name}: {why}: {short(message.id)}")
    return missing


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_every_page_is_translated(built_book, language):
    templates = built_book.parent / "gettext"
    assert list(templates.rglob("*.pot")), f"the build extracted no catalog template into {templates}"
    missing = untranslated(templates, LOCALES / language / "LC_MESSAGES")
    assert not missing, (f"{len(missing)} messages of the English pages have no finished {language} "
                         "translation (make translations, then translate them):\n" + "\n".join(missing))


def test_a_new_a_changed_and_an_empty_message_are_listed(tmp_path):
    """On a partly translated catalog: what sphinx-intl update leaves after English changed."""
    (tmp_path / "pot" / "book").mkdir(parents=True)
    (tmp_path / "po" / "book").mkdir(parents=True)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    (tmp_path / "pot" / "book" / "page.pot").write_text(header + "".join(
        f'msgid "{m}"\nmsgstr ""\n\n' for m in ("Kept.", "Changed now.", "Empty.", "New.")), encoding="utf-8")
    (tmp_path / "po" / "book" / "page.po").write_text(
        header + 'msgid "Kept."\nmsgstr "保留。"\n\n#, fuzzy\nmsgid "Changed now."\nmsgstr "改过。"\n\n'
        'msgid "Empty."\nmsgstr ""\n', encoding="utf-8")
    assert untranslated(tmp_path / "pot", tmp_path / "po") == [
        "book/page: fuzzy: Changed now.", "book/page: untranslated: Empty.", "book/page: not in the catalog: New."]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalog_holds_an_unfinished_entry(language):
    """The committed catalogs alone (no build): nothing empty or fuzzy."""
    unfinished = [f"{name}: {'fuzzy' if m.fuzzy else 'empty'}: {short(m.id)}"
                  for name, path in catalogs(language).items() for m in read(path)
                  if m.id and (m.fuzzy or not m.string)]
    assert not unfinished, f"{len(unfinished)} unfinished entries:\n" + "\n".join(unfinished)


# ---- maths, code, links and numbers kept ---------------------------------------------------
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.S)
ROLE = re.compile(r"\{(\w+)\}`([^`]*)`")
CODE = re.compile(r"``[^`]+``|`[^`\n]+`")
LINK = re.compile(r"\]\(([^)\s]+)\)|<(https?://[^>]+)>")
DIGITS = re.compile(r"\d+")
LATEX = re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}|\\[A-Za-z]+(\{[^{}]*\})*", re.S)
FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def kept_parts(text: str) -> dict[str, Counter]:
    """The parts of a message a translation must keep as they are."""
    maths = MATH.findall(text)
    rest = MATH.sub(" ", text)
    roles = []
    for role, content in ROLE.findall(rest):  # {doc}`words <target>`: the words are translated
        target = re.search(r"<([^>]+)>\s*$", content)
        roles.append(f"{{{role}}}" + (target.group(1) if target else content))
    rest = ROLE.sub(" ", rest)
    codes = CODE.findall(rest)
    rest = CODE.sub(" ", rest)
    links = [a or b for a, b in LINK.findall(rest)]
    rest = LINK.sub(" ", rest)
    return {"maths": Counter(maths), "code": Counter(codes), "roles": Counter(roles),
            "links": Counter(links), "digits": Counter(DIGITS.findall(rest.translate(FULLWIDTH)))}


def differences(source: str, translation: str) -> list[str]:
    found = []
    if translation.replace("\\$", "").count("$") % 2:
        found.append("an odd number of $ (an unclosed formula prints raw)")
    want, got = kept_parts(source), kept_parts(translation)
    for kind in want:
        lost, added = want[kind] - got[kind], got[kind] - want[kind]
        if lost or added:
            found.append(f"{kind}: lost {sorted(lost.elements())}, added {sorted(added.elements())}")
    return found


def test_the_comparison_sees_a_lost_formula_link_and_number():
    source = "The weight $w_1 = 0.5$ of [the neuron](01_neuron) moves `lr` by 3 steps."
    assert differences(source, "[神经元](01_neuron) 的权重 $w_1 = 0.5$ 把 `lr` 移动 3 步。") == []
    assert differences(source, "[神经元](01_neuron) 的权重 $w_1 = 0.6$ 把 `lr` 移动 3 步。")
    assert differences(source, "[神经元](02_feedforward) 的权重 $w_1 = 0.5$ 把 `lr` 移动 3 步。")
    assert differences(source, "[神经元](01_neuron) 的权重 $w_1 = 0.5$ 把 `lr` 移动三步。")
    assert differences(source, "[神经元](01_neuron) 的权重 $w_1 = 0.5 把 `lr` 移动 3 步。")
    assert differences(source, "[神经元](01_neuron) 的权重 $w_1 = 0.5$ 把 lr 移动 3 步。")
    assert differences("See {doc}`For teachers <teachers>`.", "见{doc}`教师指南 <teachers>`。") == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_maths_code_links_and_numbers(language):
    wrong = [f"{name}: {short(msgid)}\n    → {short(msgstr)}\n    " + "; ".join(found)
             for name, msgid, msgstr in entries(language)
             if (found := differences(msgid, msgstr))]
    assert not wrong, f"{len(wrong)} translations change what they must keep:\n" + "\n".join(wrong)


# ---- the glossary's terms ------------------------------------------------------------------
GLOSSARY_ROW = re.compile(r"^\| (?P<en>[^|]+?) \| (?P<zh>[^|]+?) \| [^|]+? \| \d+ \|$")

GLOSSARY_ALTERNATIVES = {
    # Chapters 3 to 5 classify people by their body weight: that weight is 体重, not a 权重.
    "weight": ("体重",),
}
"""Term → other Chinese words that may stand for it, each with its reason. Keep it short."""


def glossary_cells() -> set[str]:
    """The glossary table's English column, as its cells are messages of glossary.po."""
    lines = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8").splitlines()
    return {row["en"] for row in map(GLOSSARY_ROW.match, lines) if row}


def glossary() -> dict[str, str]:
    """English term (lower case; "mean squared error (MSE)" gives "mean squared error", and
    "feedforward, forward propagation" both) → its Chinese name."""
    terms = {}
    for line in (ROOT / "book" / "glossary.md").read_text(encoding="utf-8").splitlines():
        row = GLOSSARY_ROW.match(line)
        if not row or row["en"] == "English":
            continue
        chinese = re.split(r"[（(]", row["zh"])[0].strip()
        english = re.sub(r"\s*\([^)]*\)", "", row["en"]).replace("⊙", "")
        for term in english.split(","):
            terms[term.strip().lower()] = chinese
    return terms


def prose(text: str) -> str:
    """A message without its maths, code, roles and link targets (no terms are named there)."""
    text = MATH.sub(" ", text)
    text = LATEX.sub(" ", text)  # a display equation's own message (amsmath), or a stray command
    text = ROLE.sub(" ", text)
    text = CODE.sub(" ", text)
    return LINK.sub("] ", text)


GLOSSARY_CELLS = glossary_cells()


def glossary_misses(msgid: str, msgstr: str, terms: dict[str, str]) -> list[str]:
    if msgid in GLOSSARY_CELLS:  # the glossary's own English column stays English
        return []
    english = prose(msgid).lower()
    missed = []
    for term, chinese in terms.items():
        if re.search(rf"(?<![\w-]){re.escape(term)}(s|es)?(?![\w-])", english):
            if not any(word in msgstr for word in (chinese, *GLOSSARY_ALTERNATIVES.get(term, ()))):
                missed.append(f"{term} → {chinese}")
    return missed


def test_the_glossary_is_read():
    terms = glossary()
    assert terms["neuron"] == "神经元" and terms["mean squared error"] == "均方误差"
    assert terms["forward propagation"] == terms["feedforward"] == "前向传播"
    assert glossary_misses("The neuron's weights.", "神经元的权重。", terms) == []
    assert glossary_misses("The neuron's weights.", "该单元的权重。", terms) == ["neuron → 神经元"]
    assert glossary_misses("Call `neuron(x)` on the weighted sum.", "对加权和调用 `neuron(x)`。", terms) == []
    maths = r"\begin{aligned} \operatorname{ReLU}(z) &= \max(0, z) \end{aligned}"
    assert glossary_misses(maths, maths, terms) == []


@pytest.mark.parametrize("language", [language for language in LANGUAGES if language.startswith("zh")])
def test_translations_use_the_glossary_terms(language):
    terms = glossary()
    wrong = [f"{name}: {short(msgid, 70)}\n    → {short(msgstr, 70)}\n    missing: " + ", ".join(missed)
             for name, msgid, msgstr in entries(language)
             if (missed := glossary_misses(msgid, msgstr, terms))]
    assert not wrong, (f"{len(wrong)} translations name a glossary term without its Chinese name "
                       "(book/glossary.md):\n" + "\n".join(wrong))

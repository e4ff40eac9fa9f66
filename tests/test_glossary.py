"""The glossary: every term carries its Chinese name in the chapter that introduces it."""

import json
import re

from conftest import ROOT

ROW = re.compile(r"^\| (?P<en>[^|]+?) \| (?P<zh>[^|]+?) \| (?P<meaning>[^|]+?) \| (?P<chapter>\d) \|$")


def glossary_rows():
    lines = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8").splitlines()
    return [m.groupdict() for m in map(ROW.match, lines) if m]


def chapter_text(number: str) -> str:
    (notebook,) = (ROOT / "book").glob(f"0{number}_*.ipynb")
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_glossary_has_terms_from_every_chapter():
    chapters = {row["chapter"] for row in glossary_rows()}
    assert chapters == {str(n) for n in range(1, len(list((ROOT / "book").glob("0*_*.ipynb"))) + 1)}


def test_each_term_is_listed_once():
    terms = [row["en"].lower() for row in glossary_rows()]
    assert len(terms) == len(set(terms)), sorted(t for t in terms if terms.count(t) > 1)


def test_chinese_names_appear_in_their_chapter():
    missing = []
    for row in glossary_rows():
        # the Chinese name as the chapter writes it, "term (中文)": the part outside any parentheses
        chinese = re.split(r"[（(]", row["zh"])[0].strip()
        if chinese not in chapter_text(row["chapter"]):
            missing.append(f"{row['en']} / {chinese} (chapter {row['chapter']})")
    assert not missing, "not named in their chapter: " + "; ".join(missing)

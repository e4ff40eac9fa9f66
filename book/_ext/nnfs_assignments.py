"""Each chapter page offers its assignment's student notebook (a local Sphinx extension).

* Generates the student notebooks from ``assignments/source/`` with Otter
  Assign (``assignments/classroom.py``; skipped when they are newer than
  their sources) and serves them from ``<site>/assignments/NAME.ipynb``.
* Ends each chapter page with a short "Assignment" box that links there.

A translated edition (``nnfs_i18n``) links the English edition's ``<site>/assignments/`` and
says the box in its own language (``ui.po``). The student notebooks hold no solution (``classroom.py assign`` and the
tests check that); the teacher's copies never reach the site.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from nnfs_i18n import gettext, site_prefix

ROOT = Path(__file__).resolve().parents[2]
CLASSROOM = ROOT / "assignments" / "classroom.py"
SITE = ROOT / "_build" / "assignments" / "site"  # its assignments/ goes to the site root

CHAPTERS = {"book/01_neuron": "neuron", "book/02_feedforward": "feedforward", "book/03_loss": "loss",
            "book/04_backprop": "backprop", "book/05_sgd": "sgd"}
"""Chapter page → the assignment that goes with it."""


def _classroom():
    spec = importlib.util.spec_from_file_location("nnfs_classroom", CLASSROOM)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def student_notebooks() -> Path:
    """Make (when stale) and lay out the student notebooks; the folder to serve."""
    classroom = _classroom()
    stale = []
    for name in classroom.assignment_names():
        made = classroom.BUILD / "student" / f"{name}.ipynb"
        sources = [classroom.SOURCE / f"{name}.ipynb", CLASSROOM]
        if not made.exists() or made.stat().st_mtime < max(path.stat().st_mtime for path in sources):
            stale.append(name)
    if stale:
        classroom.assign(stale, run_tests=False)
    target = SITE / "assignments"
    target.mkdir(parents=True, exist_ok=True)
    for name in classroom.assignment_names():
        shutil.copyfile(classroom.BUILD / "student" / f"{name}.ipynb", target / f"{name}.ipynb")
    return SITE


def config_inited(app: Sphinx, config) -> None:
    if site_prefix(config.language):
        return  # a translated edition links the English edition's assignments/
    site = student_notebooks()
    if str(site) not in map(str, config.html_extra_path):
        config.html_extra_path = [*config.html_extra_path, str(site)]


BOX_TITLE = "Assignment"
BOX_TEXT = ("Practise this chapter with an autograded notebook: download {notebook} and open it where "
            "the chapters run ({make_lab} also writes it to {student}). Write each function in place "
            "of its {dots} and run {check} after each question for feedback. Teachers: {teachers}.")
BOX_LINK = "how to hand it out and grade it"
"""The box's words (``tools/translations.py`` puts them in ``ui.po``); ``{...}`` are its code
and links, the same in every language."""


def add_assignment_box(app: Sphinx, doctree) -> None:
    name = CHAPTERS.get(app.env.docname)
    if name is None:
        return
    language = app.config.language
    depth = app.env.docname.count("/")
    href = "../" * depth + site_prefix(language) + f"assignments/{name}.ipynb"
    link = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget="/book/teachers",
                                 refexplicit=True, refdoc=app.env.docname)
    link += nodes.inline(text=gettext(language, BOX_LINK))
    parts = {
        "notebook": nodes.raw("", f'<a class="reference download" href="{href}" download="{name}.ipynb">'
                                  f"<code>{name}.ipynb</code></a>", format="html"),
        "make_lab": nodes.literal(text="make lab"),
        "student": nodes.literal(text=f"_build/assignments/student/{name}.ipynb"),
        "dots": nodes.literal(text="..."),
        "check": nodes.literal(text='grader.check("q1")'),
        "teachers": link,
    }
    box = nodes.admonition(classes=["nnfs-assignment"])
    box += nodes.title(text=gettext(language, BOX_TITLE))
    paragraph = nodes.paragraph()
    for i, piece in enumerate(re.split(r"\{(\w+)\}", gettext(language, BOX_TEXT))):
        if i % 2:
            paragraph += parts[piece]
        elif piece:
            paragraph += nodes.Text(piece)
    box += paragraph
    doctree += box


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", config_inited)
    app.connect("doctree-read", add_assignment_box)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

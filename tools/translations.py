"""The translation catalogs: what to translate, taken from the English sources.

    python tools/translations.py update      # `make translations`: extract, then update locales/
    python tools/translations.py extract     # only write the templates into _build/gettext/

``extract`` runs Sphinx's gettext builder over the book (the notebooks are not executed: code
and outputs are not translated) into ``_build/gettext/book/<page>.pot``, and writes
``_build/gettext/ui.pot``: what gettext does not see (:func:`ui_messages`). ``update`` then runs
``sphinx-intl update`` for every translated edition: each ``locales/<language>/LC_MESSAGES/
<page>.po`` gains the new English messages (empty), loses the removed ones, and marks a changed
one ``#, fuzzy`` with its old translation: translate those, remove the ``fuzzy`` mark, and
``make test`` passes again (tests/test_translations.py).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
for folder in (BOOK / "_ext", BOOK):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

LIVE_JS = BOOK / "_offline" / "live.js"
PROMPT_TYPES = ("source", "output", "outputs", "content")  # myst-nb fills {type} with one of these
DEFAULT_PROMPTS = ("Show code cell {type}", "Hide code cell {type}")
THEBE_WORDS = ("run", "run this cell", "run all", "run all cells", "restart", "restart the kernel",
               "restart & run all", "restart the kernel and run all cells")
"""The buttons thebe (_offline/thebe, pinned) puts under each cell in Live Code, and their titles."""


def _live_js_messages() -> list[str]:
    text = LIVE_JS.read_text(encoding="utf-8")
    return [json.loads(f'"{m}"') for m in re.findall(r'\bt\("((?:[^"\\]|\\.)*)"', text)]


def _notebook_messages() -> list[tuple[str, str]]:
    found, prompts = [], set(DEFAULT_PROMPTS)
    for path in sorted(BOOK.glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            mystnb = cell.get("metadata", {}).get("mystnb", {})
            alt = mystnb.get("image", {}).get("alt")
            if alt:
                found.append((alt, f"figure alt text, {path.stem}"))
            prompts.update(mystnb[k] for k in ("code_prompt_show", "code_prompt_hide") if k in mystnb)
    for prompt in sorted(prompts):
        for kind in PROMPT_TYPES if "{type}" in prompt else ("",):
            found.append((prompt.replace("{type}", kind), "folded cell prompt"))
    return found


def _view_messages() -> list[tuple[str, str]]:
    import importlib
    import pkgutil

    import nnlib.views
    from nnlib.live import VIEWS

    for module in pkgutil.iter_modules(nnlib.views.__path__):
        importlib.import_module(f"nnlib.views.{module.name}")
    found = []
    for view in VIEWS:
        alt = getattr(view, "alt", "") or " ".join((view.__doc__ or "").split())
        found.append((alt, f"figure alt text, {view.__name__}"))
        for name, slider in view.sliders.items():
            found.append((slider.label or name, f"slider label, {view.__name__}"))
    return found


def ui_messages() -> list[tuple[str, str]]:
    """Every message of ui.po, with a comment saying where it shows (first one wins)."""
    import nnfs_assignments
    from nnfs_i18n import EDITIONS

    found = [(m, "live.js") for m in _live_js_messages()]
    found += [(m, "live.js: thebe's button") for m in THEBE_WORDS]
    found += [(m, "slider" if c.startswith("slider") else c) for m, c in _view_messages()]
    found += _notebook_messages()
    found += [(m, "assignment box") for m in (nnfs_assignments.BOX_TITLE, nnfs_assignments.BOX_TEXT,
                                              nnfs_assignments.BOX_LINK)]
    found += [(f"This page in {e.english}", "language switch tooltip") for e in EDITIONS.values()
              if e.language != "en"]
    seen, unique = set(), []
    for message, comment in found:
        if message and message not in seen:
            seen.add(message)
            unique.append((message, comment))
    return unique


def write_ui_template(folder: Path) -> Path:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(project="Neural Networks from Scratch", charset="utf-8")
    for message, comment in ui_messages():
        catalog.add(message, auto_comments=[comment])
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "ui.pot"
    with target.open("wb") as file:
        write_po(file, catalog, width=0, omit_header=False)
    return target


def extract(output: Path = ROOT) -> Path:
    """The templates of every catalog in ``output/_build/gettext`` (the page catalogs by Sphinx's
    gettext builder, the notebooks not executed)."""
    from jupyter_book.sphinx import build_sphinx

    folder = output / "_build" / "gettext"
    overrides = {"nb_execution_mode": "off", "external_toc_path": (ROOT / "_toc.yml").as_posix(),
                 "latex_individualpages": False}
    result = build_sphinx(ROOT, folder, noconfig=True, path_config=str(ROOT / "_config.yml"),
                          confoverrides=overrides, doctreedir=output / "_build" / ".doctrees-gettext",
                          builder="gettext", warningiserror=True, keep_going=True, force_all=True, freshenv=True)
    if isinstance(result, Exception) or result:
        raise SystemExit(f"the gettext extraction failed ({result})")
    write_ui_template(folder)
    return folder


def update() -> None:
    from nnfs_i18n import EDITIONS

    folder = extract()
    for language in EDITIONS:
        if language != "en":
            subprocess.run([sys.executable, "-m", "sphinx_intl", "update", "-p", str(folder), "-l", language,
                            "-d", str(ROOT / "locales")], check=True)
    print("Catalogs updated: translate the empty and the '#, fuzzy' entries of locales/*/LC_MESSAGES "
          "(then delete each fuzzy mark), and run the translation tests.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["update", "extract"])
    parser.add_argument("--path-output", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    if args.command == "extract":
        extract(args.path_output.resolve())
    else:
        update()
    return 0


if __name__ == "__main__":
    sys.exit(main())

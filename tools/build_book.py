"""Build the HTML book, every edition into one site (what `make book` and the tests run).

    python tools/build_book.py [--path-output DIR] [--editions en,zh_CN] [--gettext]

English goes to ``DIR/_build/html`` as ``jupyter-book build . --all -W -n --keep-going`` puts
it; each translation (``book/_ext/nnfs_i18n.py``: EDITIONS) into a folder of it,
``DIR/_build/html/zh``. The notebooks run once: the English build executes every one of them
in a fresh kernel into a jupyter-cache emptied first (``DIR/_build/.jupyter_cache``), and the
translated builds read those very outputs from it. Each edition is its own Sphinx run (its own
process), with warnings as errors; the first failure stops the build. A translated edition
uses its own toc, the part captions translated (``DIR/_build/toc/<language>.yml``), and the
English edition's ``_offline/`` and ``assignments/`` folders. ``--gettext`` also writes the
catalog templates of the English pages into ``DIR/_build/gettext`` (``tools/translations.py
extract``; the tests compare them with the catalogs).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "book" / "_ext"), str(ROOT / "tools")]

from nnfs_i18n import EDITIONS, toc_for  # noqa: E402


def paths(output: Path, language: str) -> dict[str, Path]:
    build = output / "_build"
    folder = EDITIONS[language].folder
    return {"html": build / "html" / folder if folder else build / "html",
            "doctrees": build / (".doctrees" if language == "en" else f".doctrees-{language}"),
            "cache": build / ".jupyter_cache", "toc": build / "toc" / f"{language}.yml"}


def build_edition(source: Path, output: Path, language: str) -> int:
    """One edition, in this process (see main: each gets its own)."""
    from jupyter_book.sphinx import build_sphinx

    if language == "gettext":
        from translations import extract

        extract(output)
        return 0
    where = paths(output, language)
    toc = source / "_toc.yml"
    overrides = {
        "nitpicky": True, "latex_individualpages": False,
        # every notebook runs once per build, in the English edition (the cache is emptied first)
        "nb_execution_mode": "cache", "nb_execution_cache_path": str(where["cache"]),
    }
    if language != "en":
        overrides["language"] = language
        toc = toc_for(language, toc, where["toc"])
    overrides["external_toc_path"] = toc.as_posix()
    config = source / "_config.yml"
    result = build_sphinx(source, where["html"], noconfig=True, path_config=str(config) if config.exists() else None,
                          confoverrides=overrides, doctreedir=where["doctrees"], builder="html",
                          warningiserror=True, keep_going=True, force_all=True, freshenv=True)
    if isinstance(result, Exception):
        raise result
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=ROOT)
    parser.add_argument("--path-output", type=Path, default=None, help="default: the source folder")
    parser.add_argument("--editions", default=",".join(EDITIONS), help="comma-separated languages, English first")
    parser.add_argument("--gettext", action="store_true", help="also extract the catalog templates")
    parser.add_argument("--edition", help=argparse.SUPPRESS)  # one edition, in this process
    args = parser.parse_args(argv)
    source = args.source.resolve()
    output = (args.path_output or source).resolve()
    if args.edition:
        return build_edition(source, output, args.edition)
    languages = args.editions.split(",") + (["gettext"] if args.gettext else [])
    if languages[0] != "en":
        parser.error("the English edition comes first: it runs the notebooks and fetches the assets")
    shutil.rmtree(paths(output, "en")["html"], ignore_errors=True)
    shutil.rmtree(paths(output, "en")["cache"], ignore_errors=True)  # every output computed afresh
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    for language in languages:
        start = time.perf_counter()
        command = [sys.executable, __file__, "--source", str(source), "--path-output", str(output),
                   "--edition", language]
        code = subprocess.run(command, env=env).returncode
        print(f"build_book: {language} took {time.perf_counter() - start:.0f} s"
              + ("" if code == 0 else f" and FAILED (exit {code})"), flush=True)
        if code != 0:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())

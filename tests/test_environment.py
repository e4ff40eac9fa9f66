"""The installed environment is the locked one, and JupyterLab's extensions fit it.

`make lab` must open the chapters without "Unsatisfied version" warnings or
failed extensions in the browser console: every JupyterLab extension in the
venv (jupyterlab_widgets for the sliders, jupytext and ipylab from
otter-grader) is a webpack bundle that asks the page for the JupyterLab
packages it was built against, and one built for a newer JupyterLab than the
pinned one warns or fails to load.

The browser that tests the pages has a Chinese font (Debian's fonts-noto-cjk, which `make test`
installs beside Chromium), so the Chinese edition's pages show characters, not boxes.
"""

import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements-grading.txt"
BOOK_LOCK = ROOT / "requirements.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^ ;\\]+)\s*(?:;\s*([^\\]+))?")

# A shared-module request in an extension's bundle, in the forms webpack and
# rspack write: ("@jupyterlab/notebook", !1, [1,4,4,1]) means ^4.4.1, and
# {"@jupyterlab/notebook", ..., requiredVersion: "^4.6.2"}.
ARRAY_FORM = re.compile(r'"(@[\w.-]+/[\w.-]+)",\s*(?:!1|false),\s*\[(\d+(?:,\s*\d+)+)\]')
STRING_FORM = re.compile(r'"(@[\w.-]+/[\w.-]+)",\s*import:[^{}]{0,200}?requiredVersion:"([^"]+)"')


def locked_pins(lock: Path) -> dict[str, str]:
    """Name -> version of every pin in `lock` whose marker holds on this Python."""
    from packaging.markers import Marker

    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            name, version, marker = match.groups()
            if marker is None or Marker(marker.strip()).evaluate():
                pins[name.lower().replace("_", "-").replace(".", "-")] = version
    return pins


def numbers(version: str) -> tuple[int, ...]:
    """(4, 6, 0) for "4.6.0-beta.0" or "~4.6.0"."""
    return tuple(int(part) for part in re.findall(r"\d+", version.split("-")[0])[:3])


def parse_request(spec: str) -> tuple[int, tuple[int, ...]] | None:
    """(leading parts that must be equal, least version) of "1,4,4,1" or "^4.6.2"."""
    if spec.startswith("^") and numbers(spec):
        least = numbers(spec)
        return next((i + 1 for i, n in enumerate(least) if n), 1), least
    values = tuple(int(p) for p in spec.split(",")) if "," in spec else ()
    return (values[0], values[1:4]) if len(values) >= 3 else None


def satisfied(request: tuple[int, tuple[int, ...]], have: tuple[int, ...]) -> bool:
    fixed, least = request
    return have[:fixed] == least[:fixed] and have >= least


def shared_requests(text: str) -> list[tuple[str, str, tuple[int, tuple[int, ...]]]]:
    """(package, as written, parsed) of every shared-module request in a bundle."""
    found = ARRAY_FORM.findall(text) + STRING_FORM.findall(text)
    return [(name, spec, parse_request(spec)) for name, spec in found
            if parse_request(spec) is not None]


def lab_extensions() -> list[Path]:
    root = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    return sorted(p.parent for p in root.glob("**/package.json")
                  if (p.parent / "static").is_dir() and "node_modules" not in p.parts)


def test_every_locked_package_is_installed_at_its_locked_version():
    pins = locked_pins(LOCK)
    assert len(pins) > 100, f"expected the whole environment in {LOCK.name}, found {len(pins)}"
    wrong = {}
    for name, version in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, f"locked vs installed (run make to reinstall): {wrong}"


def test_the_book_lock_is_the_book_part_of_the_whole_lock():
    whole, book = locked_pins(LOCK), locked_pins(BOOK_LOCK)
    differ = {n: (v, whole.get(n)) for n, v in book.items() if whole.get(n) != v}
    assert not differ, f"requirements.txt pins that the whole lock pins otherwise: {differ}"


def test_every_lock_line_has_hashes():
    for lock in (LOCK, BOOK_LOCK):
        text = lock.read_text(encoding="utf-8")
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        for entry in entries:
            if PIN.match(entry):
                assert "--hash=sha256:" in entry, f"{lock.name}: no hash for {entry.split()[0]}"


def test_jupyterlab_extensions_were_built_for_the_pinned_jupyterlab():
    import json

    static = Path(sys.prefix) / "share" / "jupyter" / "lab" / "static" / "package.json"
    provided = json.loads(static.read_text(encoding="utf-8"))["resolutions"]
    extensions = lab_extensions()
    names = [e.name for e in extensions]
    assert "jupyterlab-manager" in names, f"the widgets extension is missing: {names}"
    checked, unsatisfied = 0, []
    for extension in extensions:
        text = "\n".join(script.read_text(encoding="utf-8", errors="replace")
                         for script in sorted((extension / "static").glob("*.js")))
        for package, wanted, request in shared_requests(text):
            if package not in provided or not numbers(provided[package]):
                continue
            checked += 1
            if not satisfied(request, numbers(provided[package])):
                unsatisfied.append(f"{extension.name} wants {package} {wanted}, "
                                   f"JupyterLab has {provided[package]}")
    assert checked >= 20, f"expected the extensions to ask for JupyterLab's packages: {checked}"
    assert not unsatisfied, "\n".join(sorted(set(unsatisfied)))


@pytest.mark.parametrize("wanted, have, ok", [
    ("1,4,4,1", "4.4.10", True), ("1,4,4,6", "4.4.5", False),
    ("^4.6.2", "4.4.10", False), ("^4.6.0-beta.0", "4.6.1", True),
    ("1,7,4,9", "7.4.10", True), ("^0.43.1", "0.44.0", False), ("1,4,5,9", "5.0.0", False),
])
def test_the_version_check_reads_both_bundle_forms(wanted, have, ok):
    if wanted.startswith("^"):
        text = f'{{"@jupyterlab/a",import:null,requiredVersion:"{wanted}",strictVersion:!1}}'
    else:
        text = f'x("@jupyterlab/a",!1,[{wanted}]),y("@jupyterlab/b", false, [{wanted}])'
    requests = shared_requests(text)
    assert len(requests) == (1 if wanted.startswith("^") else 2), (text, requests)
    assert all(satisfied(request, numbers(have)) is ok for _, _, request in requests)


def test_the_installer_counts_what_pip_fetches():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import install_venv
    finally:
        sys.path.pop(0)
    name = install_venv.fetched_file
    assert name("  Downloading numpy-2.2.6-cp310-cp310-manylinux_2_17_x86_64.whl (16.4 MB)") == "numpy"
    assert name("Processing /opt/files/pexpect-4.9.0-py2.py3-none-any.whl (from -r x)") == "pexpect"
    assert name("  Using cached jupyter_book-1.0.4.post1-py3-none-any.whl (45 kB)") == "jupyter_book"
    assert name("  Downloading sympy-1.14.0-py3-none-any.whl.metadata (12 kB)") is None
    assert name("Collecting numpy==2.2.6 (from -r requirements-grading.txt (line 9))") is None
    assert set(install_venv.packages_for_this_python(LOCK)) == set(locked_pins(LOCK))


def test_chromium_has_a_chinese_font():
    """Debian's Chromium draws no Chinese without a CJK font: `make test` installs fonts-noto-cjk."""
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no Chromium here: the browser tests are skipped too")
    if not shutil.which("fc-list"):
        pytest.skip("no fontconfig (fc-list) to ask")
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    if not fonts.strip() and os.environ.get("CI") != "true":
        pytest.skip("no Chinese font: sudo apt-get install fonts-noto-cjk (make test does it as root)")
    assert fonts.strip(), "Chromium has no Chinese font: apt-get install fonts-noto-cjk (make test does it as root)"

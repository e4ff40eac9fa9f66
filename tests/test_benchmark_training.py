"""The training benchmark (make bench-training) runs end to end, in a tiny set-up.

One repeat of one epoch, and a large case of a few hundred rows: this checks that
every library trains and the table comes out, not how fast (benchmarks measure and
print; they are not timed tests). PyTorch is optional: with it, its rows carry
numbers; without it (it lives in _build/bench-torch, installed only by
make bench-training), they must say why in one line.
"""

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "benchmark_training.py"
# ms/epoch, min - max, x sklearn, test acc
NUMBERS = re.compile(r"\s\d+\.\d{3}\s+\d+\.\d{3} - \d+\.\d{3}"
                     r"\s+\d+\.\d\d\s+\d+\.\d\d%$")


def run(*options):
    result = subprocess.run([sys.executable, str(SCRIPT), *options],
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout, result.stderr


def rows_of(out, name):
    """The table rows of one library (the case column is 24 characters wide)."""
    return [line for line in out.splitlines()
            if re.match(rf"^.{{24}} {re.escape(name)}\s", line)]


def test_tiny_run_prints_every_row_and_the_targets():
    code, out, err = run("--repeats", "1", "--epochs", "1", "--large-epochs", "1",
                         "--large-rows", "300", "--large-hidden", "16")
    assert code == 0, err[-3000:]
    lines = out.splitlines()
    for case in ("small: 64-64-10", "large: 64-16-10"):
        assert any(line.startswith(case) for line in lines), out
    for name in ("ours", "ours, whole fit", "scikit-learn"):
        found = rows_of(out, name)
        assert len(found) == 2 and all(NUMBERS.search(row) for row in found), out
    # PyTorch: numbers, or one line saying why not
    found = rows_of(out, "PyTorch")
    assert len(found) == 2, out
    assert all(NUMBERS.search(row) or "torch" in row[60:] for row in found), out
    assert "Traceback" not in out
    assert "threads: 1 for every library" in out
    assert re.search(r"numpy \S+, scikit-learn \S+, torch \S+", out), out
    assert "ours / scikit-learn s/epoch =" in out, out
    assert "test accuracy, ours - scikit-learn" in out, out


def test_without_torch_its_row_says_why():
    code, out, err = run("--repeats", "1", "--epochs", "1", "--large-epochs", "0",
                         "--no-torch")
    assert code == 0, err[-3000:]
    found = rows_of(out, "PyTorch")
    assert len(found) == 1 and found[0].endswith("left out (--no-torch)"), out
    assert not any(line.startswith("large:") for line in out.splitlines()), out


def test_bad_options_are_refused():
    code, _, err = run("--repeats", "0")
    assert code == 2 and "expected --repeats of at least 1, got 0" in err

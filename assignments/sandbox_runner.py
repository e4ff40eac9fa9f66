"""Grade one submission with Otter, from inside the sandbox (run by ``classroom.py grade``).

Untrusted code runs in the Jupyter kernel this script starts, so this script
guards the one thing the teacher's side believes, its own report:

* it reads a one-time token from standard input before any student code runs,
  and prefixes every line it reports with it;
* it marks itself non-dumpable, so that the kernel (same user, no
  capabilities) cannot open this process's file descriptors or memory
  through ``/proc``;
* the kernel inherits ``/dev/null`` as its standard streams, never the pipe
  back to the teacher's side.

It expects the submission at ``./NAME.ipynb`` (NAME the assignment, its one argument) and Otter's tests in
``./tests/`` (read-only), and writes one JSON report line at the end. A
line ``TOKEN cell N`` is written as each cell starts, so that a submission
stopped at its time limit can be reported with the cell it was running, and
``TOKEN memory N`` when cell N ran out of memory.
"""

from __future__ import annotations

import ctypes
import glob
import json
import os
import sys

TOKEN = sys.stdin.readline().strip()

try:  # PR_SET_DUMPABLE = 4 (Linux): /proc/<this pid>/fd and /mem closed to the kernel
    ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)
except (OSError, AttributeError):  # not Linux: the teacher's side already warned
    pass

REPORT = os.fdopen(os.dup(1), "w", encoding="utf-8")  # dup'd fds are not inherited
_null = os.open(os.devnull, os.O_RDWR)
for _fd in (0, 1, 2):
    os.dup2(_null, _fd)
sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")


def report(kind: str, payload) -> None:
    REPORT.write(f"{TOKEN} {kind} {json.dumps(payload, sort_keys=True)}\n")
    REPORT.flush()


def one_line(text, limit: int = 160) -> str:
    """The last non-blank line of ``text`` (where a traceback says what went wrong), cut short."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    line = lines[-1] if lines else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def main() -> None:
    import nbformat
    from nbconvert import preprocessors
    from nbclient.exceptions import DeadKernelError

    notebook = sys.argv[1]
    original = nbformat.read(notebook, as_version=4)
    ordinal = {cell.get("id"): number for number, cell in enumerate(original.cells, start=1)}

    class Tracking(preprocessors.ExecutePreprocessor):
        """Otter's executor, reporting which of the student's cells is running."""

        def preprocess_cell(self, cell, resources, index):
            number = ordinal.get(cell.get("id"))
            if number is not None:
                report("cell", number)
            cell, resources = super().preprocess_cell(cell, resources, index)
            if any(output.get("ename") == "MemoryError" for output in cell.get("outputs", [])):
                report("memory", number)  # a kernel starved of memory may never answer again
            return cell, resources

    preprocessors.ExecutePreprocessor = Tracking  # otter imports it when it grades
    from otter.execute import grade_notebook

    try:
        results = grade_notebook(
            notebook, tests_glob=sorted(glob.glob("tests/*.py")), cwd=os.getcwd(),
            test_dir="./tests", ignore_errors=True, force_python3_kernel=True,
        )
    except DeadKernelError:
        report("result", {"fatal": "kernel died"})
        return

    cell_errors = []
    last_cell = results.notebook.cells[-1] if results.notebook.cells else None
    for cell in results.notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                number = ordinal.get(cell.get("id"))
                if cell is last_cell:
                    report("result", {"fatal": "grading cell failed"})
                    return
                if number is not None:
                    cell_errors.append({"cell": number, "error": output.get("ename", "Error"),
                                        "message": one_line(output.get("evalue", ""))})
    questions = {}
    for name, test_file in results.results.items():
        failures = [one_line(result.message) for result in test_file.test_case_results
                    if not result.passed]
        questions[name] = {"score": float(test_file.score), "possible": float(test_file.possible),
                           "failed": len(failures), "tests": len(test_file.test_case_results),
                           "first_failure": failures[0] if failures else ""}
    report("result", {"questions": questions, "cell_errors": cell_errors})


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # anything else: say what, never a traceback with paths
        report("result", {"fatal": f"{type(error).__name__}: {one_line(error)}"})

"""How long grading takes: one submission, and a class of 30 sequentially and in parallel.

    make bench-grading        (or: .venv/bin/python tests/benchmark_grading.py [N_STUDENTS])

Builds a class from the neuron assignment (a third solved, a third half
done, a third blank), grades it with one job and with the default number of
jobs, each submission in its sandbox, and prints a table. Measures; asserts
nothing.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "assignments"))
import classroom  # noqa: E402


def make_class(generated: Path, folder: Path, size: int) -> None:
    student = nbformat.read(generated / "student" / "neuron.ipynb", as_version=4)
    solved = {cell.id: cell.source for cell in nbformat.read(generated / "solutions" / "neuron.ipynb",
                                                              as_version=4).cells}
    answer_ids = [cell.id for cell in student.cells if "otter_answer_cell" in cell.metadata.get("tags", [])]
    folder.mkdir(parents=True)
    for number in range(size):
        filled = answer_ids[: [len(answer_ids), len(answer_ids) // 2, 0][number % 3]]
        nb = nbformat.from_dict(student)
        for cell in nb.cells:
            if cell.get("id") in filled:
                cell.source = solved[cell.id]
        nbformat.write(nb, folder / f"student{number:02d}.ipynb")


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    sandbox = "bubblewrap" if classroom.bwrap_available() else "none (bwrap missing)"
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        classroom.assign(["neuron"], scratch / "generated", run_tests=False)
        archive = scratch / "generated" / "autograder" / "neuron.zip"
        make_class(scratch / "generated", scratch / "class", size)
        grader = classroom.Grader("neuron", archive, classroom.Limits())
        single = []
        for path in sorted((scratch / "class").iterdir())[:5]:
            start = time.perf_counter()
            grader.grade(path.stem, path)
            single.append(time.perf_counter() - start)
        walls = {}
        for jobs in sorted({1, classroom.Limits().jobs}):
            start = time.perf_counter()
            classroom.grade("neuron", scratch / "class", scratch / f"grades{jobs}",
                            classroom.Limits(jobs=jobs), autograder=archive, progress=False)
            walls[jobs] = time.perf_counter() - start
    print(f"\nGrading the neuron assignment, sandbox: {sandbox}, {classroom.Limits().jobs} cores\n")
    print("| measurement | seconds |")
    print("|---|---|")
    print(f"| one submission, median of {len(single)} (worst {max(single):.1f}) | {statistics.median(single):.1f} |")
    for jobs, wall in walls.items():
        print(f"| a class of {size}, JOBS={jobs} (wall time) | {wall:.1f} |")


if __name__ == "__main__":
    main()

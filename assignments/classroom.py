"""The teacher's commands: generate the assignments and grade a folder of submissions.

    python assignments/classroom.py assign [NAME ...]          (make assignments)
    python assignments/classroom.py grade NAME SUBMISSIONS     (make grade ASSIGNMENT=... SUBMISSIONS=...)

``assign`` runs Otter Assign on each source notebook in ``assignments/source/``
(the teacher's copies, with solutions) and writes, under ``_build/assignments/``:
``student/NAME.ipynb`` to hand out, ``autograder/NAME.zip`` (Otter's standard
autograder archive) and ``solutions/NAME.ipynb``.

``grade`` grades every file under SUBMISSIONS against ``autograder/NAME.zip``
without Docker. Each submission runs in its own bubblewrap sandbox (a
read-only view of the system and of this Python environment, a private
writable /tmp, no network, no other submission, no grades), under a memory
limit and a time limit after which its whole process tree is ended. The
result is one row per student and question in ``grades.csv`` and
``grades.json`` (in ``_build/grades/NAME/`` unless ``--out`` says otherwise);
an earlier file with other contents is kept as ``grades.csv.~1~`` and so on.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCE = HERE / "source"
BUILD = ROOT / "_build" / "assignments"
RUNNER = HERE / "sandbox_runner.py"

STATUSES = ("ok", "failed tests", "timed out", "error", "not a notebook")
COLUMNS = ("student", "assignment", "question", "score", "max_score", "status", "reason")
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024


class ClassroomError(Exception):
    """A mistake in what the teacher asked for: printed as one line, no traceback."""


# ----------------------------------------------------------------- assign
def assignment_names() -> list[str]:
    return sorted(path.stem for path in SOURCE.glob("*.ipynb"))


def check_names(names: list[str]) -> list[str]:
    known = assignment_names()
    for name in names:
        if name not in known:
            raise ClassroomError(f"no assignment {name!r}: expected one of {', '.join(known)}")
    return names or known


def assign(names: list[str], out: Path = BUILD, run_tests: bool = True) -> None:
    """Run Otter Assign on each source notebook and lay the results out under ``out``."""
    for name in check_names(names):
        raw = out / ".otter" / name
        shutil.rmtree(raw, ignore_errors=True)
        zips = run_otter_assign(SOURCE / f"{name}.ipynb", raw, run_tests)
        for kind, source in (("student", raw / "student" / f"{name}.ipynb"),
                             ("solutions", raw / "autograder" / f"{name}.ipynb"),
                             ("autograder", zips[-1])):
            target = out / kind / (f"{name}.zip" if kind == "autograder" else f"{name}.ipynb")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        handed_out = (out / "student" / f"{name}.ipynb").read_text(encoding="utf-8")
        handed_out += "\n".join(cell.source for cell in nbformat_read(out / "student" / f"{name}.ipynb").cells)
        leaked = sorted(line for line in solution_lines(SOURCE / f"{name}.ipynb") if line in handed_out)
        if leaked:
            raise ClassroomError(f"the student notebook of {name} contains solution lines: {leaked[:3]}")
        print(f"{name}: student/{name}.ipynb, autograder/{name}.zip")
    print(f"Written to {out}")


def run_otter_assign(master: Path, raw: Path, run_tests: bool) -> list[Path]:
    """Otter Assign, in this process (one import of Otter for all assignments); its archives."""
    import contextlib
    import logging

    from otter.assign import main as otter_assign

    chatter = io.StringIO()
    logging.getLogger("otter").setLevel(logging.WARNING)
    try:
        with contextlib.redirect_stdout(chatter), contextlib.redirect_stderr(chatter):
            otter_assign(str(master), str(raw), no_pdfs=True, no_run_tests=not run_tests)
    except Exception as error:
        raise ClassroomError(f"otter assign failed for {master.name}: {error}\n{chatter.getvalue()[-3000:]}") from None
    zips = sorted((raw / "autograder").glob("*.zip"))
    if not zips:
        raise ClassroomError(f"otter assign made no autograder archive for {master.name}")
    return zips


def nbformat_read(path: Path):
    import nbformat

    return nbformat.read(path, as_version=4)


def solution_lines(master: Path) -> set[str]:
    """The lines of a source notebook that Otter Assign removes (those worth searching for)."""
    import nbformat

    nb = nbformat.read(master, as_version=4)
    found, inside = set(), False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            bare = line.strip()
            if bare.startswith("# BEGIN SOLUTION"):
                inside = True
            elif bare.startswith("# END SOLUTION"):
                inside = False
            elif inside or bare.endswith("# SOLUTION"):
                code = bare.removesuffix("# SOLUTION").strip()
                if len(code) >= 16:  # short lines ("return out") are not evidence of a leak
                    found.add(code)
    return found


# ------------------------------------------------------------------ grade
@dataclass(frozen=True)
class Limits:
    timeout: float = 60.0
    memory_mb: int = 2048
    jobs: int = max(1, os.cpu_count() or 1)


def bwrap_available() -> str | None:
    """The bwrap binary, if it exists and can make a sandbox here."""
    found = shutil.which("bwrap")
    if not found:
        return None
    probe = subprocess.run([found, "--ro-bind", "/", "/", "--unshare-all", "true"], capture_output=True)
    return found if probe.returncode == 0 else None


def sandbox_command(bwrap: str, workdir: Path, notebook: Path) -> list[str]:
    """bwrap arguments: the system, this Python and its packages read-only; nothing else."""
    command = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
               "--clearenv", "--proc", "/proc", "--dev", "/dev", "--size", str(512 * 2**20), "--tmpfs", "/tmp"]
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            command += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            command += ["--ro-bind", top, top]
    for path in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
                 "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/hosts"):
        if os.path.exists(path):
            command += ["--ro-bind", path, path]
    prefixes = {os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix), sys.prefix, sys.base_prefix}
    for prefix in sorted(prefixes):
        if not prefix.startswith(("/usr/", "/bin", "/lib")) and prefix != "/usr":
            command += ["--ro-bind", prefix, prefix]
    command += ["--size", str(256 * 2**20), "--tmpfs", "/grading",
                "--ro-bind", str(notebook), f"/grading/{notebook.name}",
                "--ro-bind", str(workdir / "tests"), "/grading/tests",
                "--ro-bind", str(RUNNER), "/opt/nnfs/runner.py", "--chdir", "/grading"]
    for name, value in sandbox_environment().items():
        command += ["--setenv", name, value]
    return command


def sandbox_environment() -> dict[str, str]:
    env = {
        "PATH": f"{sys.prefix}/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8",
        "JUPYTER_PATH": f"{sys.prefix}/share/jupyter", "JUPYTER_PLATFORM_DIRS": "1",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter", "JUPYTER_CONFIG_DIR": "/tmp/jupyter-config",
        "JUPYTER_DATA_DIR": "/tmp/jupyter-data", "IPYTHONDIR": "/tmp/ipython", "MPLCONFIGDIR": "/tmp/mpl",
        "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # needed by some CPUs' OpenBLAS
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def read_submission(path: Path):
    """The notebook in ``path``, or a one-line reason why it is not one."""
    import nbformat

    size = path.stat().st_size
    if size == 0:
        return None, "the file is empty"
    if size > MAX_NOTEBOOK_BYTES:
        return None, f"the file is {size / 2**20:.0f} MB, larger than a notebook can reasonably be"
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        return None, "the file is a PDF, not a notebook"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, "the file is not text (not a .ipynb notebook)"
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"the file is not valid JSON (line {error.lineno}: {error.msg})"
    if not isinstance(raw, dict) or "cells" not in raw or "nbformat" not in raw:
        return None, "the file is JSON but not a Jupyter notebook (no cells, no nbformat)"
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # nbformat raises several kinds
        return None, f"the notebook is malformed ({type(error).__name__})"
    return nb, ""


def discover(submissions: Path) -> list[tuple[str, Path]]:
    """Every file under ``submissions`` as (student, path), hidden files and checkpoints aside."""
    found = []
    for path in sorted(submissions.rglob("*")):
        parts = path.relative_to(submissions).parts
        if any(part.startswith(".") for part in parts) or not path.is_file():
            continue
        relative = path.relative_to(submissions).as_posix()
        found.append((relative.removesuffix(".ipynb"), path))
    return found


class Grader:
    """Grades submissions of one assignment; safe to use from several threads."""

    def __init__(self, name: str, autograder: Path, limits: Limits, sandbox: bool = True):
        self.name, self.limits = name, limits
        self.notebook = f"{name}.ipynb"  # the name the notebook's own `otter.Notebook(...)` expects
        with zipfile.ZipFile(autograder) as archive:
            self.tests = {member: archive.read(member) for member in archive.namelist()
                          if member.startswith("tests/") and member.endswith(".py")}
        self.questions = self._question_points()
        self.bwrap = bwrap_available() if sandbox else None
        self.running: set[subprocess.Popen] = set()
        self.lock = threading.Lock()
        self.stopping = False

    def _question_points(self) -> dict[str, float]:
        """Question name → points, read from the archive's test files (Otter's format)."""
        points = {}
        for member, source in sorted(self.tests.items()):
            namespace: dict = {}
            exec(compile(source, member, "exec"), namespace)  # our own archive's test files
            if isinstance(namespace.get("test"), dict):  # OK-format tests
                namespace = namespace["test"]
            points[namespace.get("name", Path(member).stem)] = float(namespace.get("points") or 0)
        return points

    def rows_for_all(self, student: str, status: str, reason: str) -> list[dict]:
        return [self.row(student, question, 0.0, possible, status, reason)
                for question, possible in self.questions.items()]

    def row(self, student, question, score, possible, status, reason) -> dict:
        return {"student": student, "assignment": self.name, "question": question,
                "score": round(float(score), 4), "max_score": round(float(possible), 4),
                "status": status, "reason": reason}

    def grade(self, student: str, path: Path) -> list[dict]:
        nb, why = read_submission(path)
        if nb is None:
            return self.rows_for_all(student, "not a notebook", why)
        declared = nb.metadata.get("otter", {}).get("assignment_name")
        if declared and declared != self.name:
            return self.rows_for_all(student, "error", f"this is the {declared!r} assignment's notebook, not {self.name!r}")
        with tempfile.TemporaryDirectory(prefix="nnfs-grade-") as scratch:
            workdir = Path(scratch)
            shutil.copyfile(path, workdir / self.notebook)
            for member, source in self.tests.items():
                (workdir / member).parent.mkdir(parents=True, exist_ok=True)
                (workdir / member).write_bytes(source)
            return self._run(student, workdir)

    def _run(self, student: str, workdir: Path) -> list[dict]:
        token = secrets.token_hex(16)
        if self.bwrap:
            command = sandbox_command(self.bwrap, workdir, workdir / self.notebook)
            command += [sys.executable, "-I", "/opt/nnfs/runner.py", self.notebook]
            cwd, env = None, None
        else:
            command = [sys.executable, "-I", str(RUNNER), self.notebook]
            cwd, env = workdir, {**os.environ, **sandbox_environment(), "HOME": str(workdir)}
            (workdir / "tests").chmod(0o555)
        memory = self.limits.memory_mb * 2**20

        def limit_memory():  # in the child, before exec: inherited by the kernel
            import resource
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        with self.lock:
            if self.stopping:
                return self.rows_for_all(student, "error", "grading was stopped before this submission ran")
            process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL, cwd=cwd, env=env, start_new_session=True,
                                       preexec_fn=limit_memory, text=True)
            self.running.add(process)
        try:
            out, _ = process.communicate(token + "\n", timeout=self.limits.timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            self._kill(process)
            out, _ = process.communicate()
            timed_out = True
        finally:
            self._kill(process)
            with self.lock:
                self.running.discard(process)
        return self._rows(student, out, timed_out)

    def _kill(self, process: subprocess.Popen) -> None:
        """End the submission's whole process group (the sandbox's pid namespace dies with it)."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()

    def stop(self) -> None:
        with self.lock:
            self.stopping = True
            for process in list(self.running):
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    def _rows(self, student: str, out: str, timed_out: bool) -> list[dict]:
        result, cell, starved = None, None, None
        for line in out.splitlines():
            token_part, _, rest = line.partition(" ")
            kind, _, payload = rest.partition(" ")
            if len(token_part) != 32:
                continue
            try:
                value = json.loads(payload)
            except json.JSONDecodeError:
                continue
            if kind == "cell":
                cell = value
            elif kind == "memory":
                starved = value
            elif kind == "result":
                result = value
        if starved and (timed_out or result is None or result.get("fatal")):
            return self.rows_for_all(student, "error", f"cell {starved} went over the {self.limits.memory_mb} MB "
                                     "memory limit (MemoryError), and the notebook could not go on")
        if timed_out:
            where = f" while running cell {cell}" if cell else ""
            return self.rows_for_all(student, "timed out",
                                     f"stopped after {self.limits.timeout:g} s{where} (an endless loop?)")
        if result is None:
            where = f" in cell {cell}" if cell else ""
            return self.rows_for_all(student, "error", f"the grader's process ended without a result{where}")
        fatal = result.get("fatal")
        if fatal == "kernel died":
            where = f" in cell {cell}" if cell else ""
            return self.rows_for_all(student, "error", f"the notebook's Python process died{where} "
                                     "(os._exit, a crash, or over the memory limit); nothing could be graded")
        if fatal == "grading cell failed":
            return self.rows_for_all(student, "error", "the grading code failed inside the notebook "
                                     "(does the notebook change otter, pickle or open?)")
        if fatal:
            return self.rows_for_all(student, "error", f"grading failed: {fatal}")
        errors = result.get("cell_errors", [])
        out_of_memory = next((e for e in errors if e["error"] == "MemoryError"), None)
        cell_note = ""
        if errors:
            first = errors[0]
            cell_note = f"; cell {first['cell']} raised {first['error']}: {first['message']}".rstrip(": ")
        rows = []
        for question, possible in self.questions.items():
            outcome = result.get("questions", {}).get(question)
            if outcome is None:
                rows.append(self.row(student, question, 0, possible, "error", "this question was not graded"))
                continue
            if outcome["failed"] == 0:
                rows.append(self.row(student, question, outcome["score"], possible, "ok",
                                     f"all {outcome['tests']} tests passed"))
                continue
            status = "failed tests"
            if out_of_memory:
                status = "error"
                cell_note = (f"; cell {out_of_memory['cell']} went over the "
                             f"{self.limits.memory_mb} MB memory limit (MemoryError)")
            reason = f"{outcome['failed']} of {outcome['tests']} tests failed: {outcome['first_failure']}{cell_note}"
            rows.append(self.row(student, question, outcome["score"], possible, status, reason))
        return rows


def render_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "score": f"{row['score']:g}", "max_score": f"{row['max_score']:g}"})
    return buffer.getvalue()


def write_kept(path: Path, text: str) -> str:
    """Write ``text`` to ``path`` atomically; an earlier, different file is kept as ``path.~N~``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        if path.read_text(encoding="utf-8") == text:
            return "unchanged"
        number = 1
        while path.with_name(f"{path.name}.~{number}~").exists():
            number += 1
        os.replace(path, path.with_name(f"{path.name}.~{number}~"))
        kept = f"the earlier one kept as {path.name}.~{number}~"
    else:
        kept = "new"
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    return kept


def grade(name: str, submissions: Path, out: Path | None = None, limits: Limits = Limits(),
          autograder: Path | None = None, sandbox: bool = True, progress: bool = True) -> list[dict]:
    """Grade every file under ``submissions``; write grades.csv and grades.json into ``out``."""
    check_names([name])
    autograder = autograder or BUILD / "autograder" / f"{name}.zip"
    if not autograder.is_file():
        raise ClassroomError(f"no autograder archive at {autograder}: run `make assignments` first")
    if not submissions.is_dir():
        raise ClassroomError(f"expected SUBMISSIONS to be a folder of notebooks, got {submissions}")
    if limits.timeout <= 0 or limits.jobs < 1 or limits.memory_mb < 256:
        raise ClassroomError("expected TIMEOUT > 0 seconds, JOBS >= 1 and MEMORY >= 256 MB")
    out = out or ROOT / "_build" / "grades" / name
    if out.resolve().is_relative_to(submissions.resolve()):
        raise ClassroomError("the grades folder must not be inside the submissions folder")
    found = discover(submissions)
    if not found:
        raise ClassroomError(f"no files in {submissions}: expected one notebook per student")
    grader = Grader(name, autograder, limits, sandbox=sandbox)
    if sandbox and not grader.bwrap:
        print("warning: bubblewrap (bwrap) is not available, so submissions run WITHOUT a sandbox: "
              "they can read your files and use the network (see the README)", file=sys.stderr)
    rows: list[dict] = []
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(found), unit="notebook", desc=f"grading {name}", file=sys.stderr)
    pool = ThreadPoolExecutor(max_workers=limits.jobs)
    try:
        futures = {pool.submit(grader.grade, student, path): student for student, path in found}
        for future in as_completed(futures):
            rows.extend(future.result())
            if bar:
                bar.update()
    except BaseException:
        grader.stop()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        if bar:
            bar.close()
    pool.shutdown()
    rows.sort(key=lambda row: (row["student"], row["question"]))
    document = {"assignment": name, "questions": grader.questions,
                "limits": {"timeout_s": limits.timeout, "memory_mb": limits.memory_mb},
                "sandbox": "bubblewrap" if grader.bwrap else "none", "rows": rows}
    kept_json = write_kept(out / "grades.json", json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    kept_csv = write_kept(out / "grades.csv", render_csv(rows))
    if progress:
        summarise(rows, grader.questions, out, kept_csv, kept_json)
    return rows


def summarise(rows, questions, out, kept_csv, kept_json) -> None:
    students = sorted({row["student"] for row in rows})
    totals = {student: sum(r["score"] for r in rows if r["student"] == student) for student in students}
    possible = sum(questions.values())
    print(f"\n{len(students)} submissions, {len(rows)} rows ({len(questions)} questions each)")
    for status in STATUSES:
        count = sum(row["status"] == status for row in rows)
        if count:
            print(f"  {status:<15} {count:>4} rows")
    if students:
        mean = sum(totals.values()) / len(students)
        print(f"mean score {mean:.2f} of {possible:g}")
    print(f"Grades: {out / 'grades.csv'} ({kept_csv}), {out / 'grades.json'} ({kept_json})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("assign", help="generate student notebooks and autograder archives")
    make.add_argument("names", nargs="*", help="assignments (default: all)")
    make.add_argument("--out", type=Path, default=BUILD)
    make.add_argument("--no-run-tests", action="store_true", help="do not check the solutions first")
    check = commands.add_parser("grade", help="grade a folder of submissions")
    check.add_argument("name")
    check.add_argument("submissions", type=Path)
    check.add_argument("--out", type=Path)
    check.add_argument("--timeout", type=float, default=Limits.timeout, help="seconds per submission")
    check.add_argument("--memory", type=int, default=Limits.memory_mb, help="MB per submission")
    check.add_argument("--jobs", type=int, default=Limits().jobs, help="submissions graded at once")
    check.add_argument("--autograder", type=Path, help="the archive (default: _build/assignments/autograder/NAME.zip)")
    args = parser.parse_args(argv)
    try:
        if args.command == "assign":
            assign(args.names, args.out, run_tests=not args.no_run_tests)
        else:
            grade(args.name, args.submissions, args.out, Limits(args.timeout, args.memory, args.jobs),
                  autograder=args.autograder)
    except ClassroomError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nstopped: no grades were written, and earlier grade files are as they were", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

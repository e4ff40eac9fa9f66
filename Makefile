# The book's commands. Each sets up .venv from the lock first (requirements-grading.txt:
# every package, pinned with its hashes), so a fresh clone needs only Python 3.10 to 3.13,
# git and make.
#
#   make book    build the HTML book into _build/html, the Chinese edition into _build/html/zh
#   make translations  after editing English: update the catalogs (locales/), then translate
#   make test    run every test (what CI runs)
#   make lab     open the notebooks in JupyterLab, sliders live
#   make serve   serve the built book with a local Jupyter server: "Live Code" in the pages
#   make bench   time one slider move of every interactive figure (and end to end in JupyterLab),
#                after make bench-training
#   make bench-training  seconds per training epoch: our network, scikit-learn and PyTorch (CPU)
#   make notebooks  re-run every notebook in place (after editing one)
#   make assignments  generate the student notebooks and autograder archives (teachers)
#   make grade ASSIGNMENT=neuron SUBMISSIONS=folder  grade a folder of submissions (teachers)
#   make lock    after editing requirements.in or requirements-grading.in: re-resolve the locks
#   make lock UPGRADE=1  the same, moving every transitive pin to its newest allowed version

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready
# The whole environment, book and grading, with hashes; requirements.txt is its book-only part.
LOCK   := requirements-grading.txt
# A venv's scripts and kernel.json hold its absolute path: a checkout moved or copied to
# another folder keeps a .venv whose commands fail. Seen by a script not naming this .venv.
MOVED  := $(shell test -f $(BIN)/jupyter && ! head -n 2 $(BIN)/jupyter | grep -qF "$(realpath $(VENV))/bin/" && echo yes)
# Use the venv's own Jupyter kernel and config, never one installed elsewhere.
export JUPYTER_PATH := $(abspath $(VENV))/share/jupyter
export JUPYTER_PLATFORM_DIRS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: digits-table lock FORCE book translations test lab bench bench-training bench-torch bench-grading notebooks clean serve npm chromium assignments grade sandbox student-notebooks
book: $(READY) npm
	@rm -rf _build/html
	$(BIN)/python tools/build_book.py
	@test -f _build/html/index.html -a -f _build/html/zh/index.html || { echo "error: no HTML was produced in _build/html" >&2; exit 1; }
	@echo "The book is built. Open: file://$(abspath _build/html/index.html)"
	@echo "(中文版: file://$(abspath _build/html/zh/index.html))"
	@echo "(or run 'make serve' for the same pages with live code on a local kernel)"

test: $(READY) npm chromium sandbox
	$(BIN)/python -m pytest

# The book and a local Jupyter server (127.0.0.1, fresh token, only the book's origin allowed).
serve: $(READY) npm
	@test -f _build/html/index.html || $(MAKE) book
	$(BIN)/python book/_offline/serve.py

# The build fetches the pages' scripts (MathJax 2, require.js, the widget manager, thebe;
# versions in book/_offline/package.json) from the npm registry with npm.
npm:
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "npm is missing: installing Debian's nodejs and npm"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  else \
	    echo "error: the build fetches MathJax, thebe and the widget manager with npm, which is missing." >&2; \
	    echo "  Install Node.js and npm (Debian/Ubuntu: sudo apt-get install nodejs npm), then run make again." >&2; \
	    exit 1; \
	  fi; }

# The browser tests drive Debian's Chromium (never 'playwright install'). Under CI=true it must
# be there; elsewhere the tests are skipped, with a note on how to enable them, when it is not.
# Chromium brings no Chinese font: Debian's fonts-noto-cjk draws the Chinese edition's pages
# (without it, screenshots of them show boxes).
chromium:
	@test -x /usr/bin/chromium || sh tools/debian_package.sh chromium "for the browser tests" \
	  "the browser tests will be skipped"
	@{ ! test -x /usr/bin/chromium || fc-list :lang=zh 2>/dev/null | grep -q .; } || \
	  sh tools/debian_package.sh fonts-noto-cjk "for the Chinese edition's pages in the browser tests" \
	  "Chinese pages show boxes in Chromium's screenshots"

# The chapters are marked trusted (jupyter trust signs them in your Jupyter data folder), so
# JupyterLab shows their saved sliders and figures at once instead of "VBox(children=...".
# JupyterLab's news feed (and its "get notified about news?" question) and update check would
# ask the network: all off. As root (a container) JupyterLab starts only with --allow-root.
lab: $(READY) student-notebooks
	@$(BIN)/jupyter trust book/*.ipynb >/dev/null
	@grep -qs apputils-extension:announcements $(VENV)/etc/jupyter/labconfig/page_config.json || \
	  $(BIN)/jupyter labextension disable --level=sys_prefix @jupyterlab/apputils-extension:announcements >/dev/null 2>&1
	$(BIN)/jupyter lab --LabApp.news_url=None \
	  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	  $(if $(filter 0,$(shell id -u)),--allow-root) book/01_neuron.ipynb

# Teachers: the student notebooks, autograder archives and solutions of every assignment
# (assignments/source/) into _build/assignments/, each solution checked against its tests.
assignments: $(READY)
	$(BIN)/python assignments/classroom.py assign

# The student notebooks alone, without checking the solutions (quick; for make lab).
student-notebooks: $(READY)
	@$(BIN)/python assignments/classroom.py assign --no-run-tests >/dev/null

# Teachers: grade a folder of submissions, each in its own sandbox.
#   make grade ASSIGNMENT=neuron SUBMISSIONS=path/to/folder [TIMEOUT=60] [JOBS=2] [MEMORY=2048] [OUT=dir]
TIMEOUT ?= 60
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
MEMORY  ?= 2048
grade: $(READY) sandbox
	@test -n "$(ASSIGNMENT)" && test -n "$(SUBMISSIONS)" || { \
	  echo "usage: make grade ASSIGNMENT=NAME SUBMISSIONS=path/to/folder [TIMEOUT=$(TIMEOUT)] [JOBS=$(JOBS)] [MEMORY=$(MEMORY)] [OUT=dir]" >&2; \
	  echo "  NAME is one of: $$(cd assignments/source && ls *.ipynb | sed 's/.ipynb//' | tr '\n' ' ')" >&2; exit 2; }
	@test -f _build/assignments/autograder/$(ASSIGNMENT).zip -a _build/assignments/autograder/$(ASSIGNMENT).zip -nt assignments/source/$(ASSIGNMENT).ipynb || \
	  $(BIN)/python assignments/classroom.py assign $(ASSIGNMENT)
	$(BIN)/python assignments/classroom.py grade "$(ASSIGNMENT)" "$(SUBMISSIONS)" \
	  --timeout $(TIMEOUT) --jobs $(JOBS) --memory $(MEMORY) $(if $(OUT),--out "$(OUT)")

# Grading runs each submission in Debian's bubblewrap sandbox; installed here when missing
# (as root). Without it grading still runs, unsandboxed, and says so.
sandbox:
	@command -v bwrap >/dev/null 2>&1 || sh tools/debian_package.sh bubblewrap \
	  "to sandbox graded submissions (and for the grading tests)" \
	  "submissions are graded WITHOUT a sandbox"

# After editing English prose: the catalogs of every translated edition (locales/) gain the new
# messages, empty, and mark the changed ones fuzzy; translate those (tools/translations.py).
translations: $(READY)
	$(BIN)/python tools/translations.py update

bench: $(READY) bench-training
	$(BIN)/python tests/benchmark.py

# Seconds per training epoch of our network (Chapter 6) against scikit-learn and PyTorch.
bench-training: $(READY) bench-torch
	$(BIN)/python tests/benchmark_training.py

# PyTorch for the benchmark only, never in .venv (whose packages must equal the lock):
# the CPU wheel and what it needs beyond .venv, pinned with hashes in
# requirements-bench.txt, into a folder of its own that tests/benchmark_training.py
# appends to its path. If it cannot be installed (the wheel lies on the development
# machines' disk, for CPython 3.11 on x86_64 only), the benchmark runs without it and
# its PyTorch rows say why.
BENCH_TORCH := _build/bench-torch
bench-torch: $(READY)
	@test -f $(BENCH_TORCH)/.ready -a $(BENCH_TORCH)/.ready -nt requirements-bench.txt || { \
	  rm -rf $(BENCH_TORCH) && mkdir -p _build && \
	  echo "Installing PyTorch (CPU, benchmark only) into $(BENCH_TORCH) (about 800 MB)" && \
	  if $(BIN)/python -m pip install --no-deps --only-binary :all: --require-hashes \
	       --no-warn-script-location --target $(BENCH_TORCH) -r requirements-bench.txt \
	       >$(BENCH_TORCH).log 2>&1; then touch $(BENCH_TORCH)/.ready; \
	  else rm -rf $(BENCH_TORCH); \
	    echo "note: could not install PyTorch ($$(grep -m 1 ^ERROR $(BENCH_TORCH).log));"; \
	    echo "  the benchmark runs without it (log: $(BENCH_TORCH).log)"; fi; }

# Seconds to grade one submission, and a class of 30 with one job and with the default jobs.
bench-grading: $(READY) sandbox
	$(BIN)/python tests/benchmark_grading.py

notebooks: $(READY)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=300 --ExecutePreprocessor.kernel_name=python3 book/*.ipynb

FORCE:
$(READY): $(LOCK) requirements.txt $(if $(MOVED),FORCE)
	@$(PYTHON) -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 13))' || \
	  { echo "error: Python 3.10 to 3.13 is needed (the lock is tested there); '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." >&2; \
	    echo "  Name another one, e.g.: make $(or $(MAKECMDGOALS),book) PYTHON=python3.12" >&2; exit 1; }
	@if [ -n "$(MOVED)" ]; then \
	  echo "This checkout was moved or copied: $(VENV) still points to $$(head -n 2 $(BIN)/jupyter | grep -o '/[^ "]*/bin/' | head -n 1 | sed 's,/bin/$$,,')"; \
	  echo "(its scripts and kernel.json hold that path: they would fail, or run that other checkout's"; \
	  echo "environment). Removing $(VENV) and installing it again here, in $(abspath $(VENV))."; \
	  rm -rf $(VENV); fi
	@test -x $(BIN)/python || { echo "Creating $(VENV) with $$($(PYTHON) --version 2>&1) ($(PYTHON))"; $(PYTHON) -m venv $(VENV); } || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv" >&2; rm -rf $(VENV); \
	  apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	@echo "Installing the book's locked environment into $(VENV) ($(LOCK), every package with its hash)."
	@echo "This takes 1 to 2 minutes on a fast connection (it fetches about 180 MB and fills 840 MB),"
	@echo "longer on a slow one; later commands skip it until the lock changes."
	@$(BIN)/python tools/install_venv.py $(LOCK)
	@$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (book)" >/dev/null
	@touch $@
	@echo "$(VENV) is ready."

# Re-resolve the locks from the short hand-edited lists (requirements.in, requirements-grading.in)
# for every Python from 3.10 and every platform, with hashes, using uv from PyPI in a throwaway
# venv. Review the diff, run make test, commit the .in and .txt files together.
UV_VERSION := 0.13.9
UV_FLAGS    = --universal --python-version 3.10 --generate-hashes --no-strip-extras \
              --custom-compile-command "make lock" --quiet $(if $(UPGRADE),--upgrade)
lock:
	@test -x _build/uv/bin/uv || { rm -rf _build/uv && $(PYTHON) -m venv _build/uv && \
	  _build/uv/bin/python -m pip install --quiet uv==$(UV_VERSION); }
	_build/uv/bin/uv pip compile $(UV_FLAGS) requirements.in requirements-grading.in -o requirements-grading.txt
	_build/uv/bin/uv pip compile $(UV_FLAGS) requirements.in -c requirements-grading.txt -o requirements.txt
	@echo "Locked $$(grep -c '^[a-zA-Z]' $(LOCK)) pins of $$(grep '^[a-zA-Z]' $(LOCK) | sed -e 's/=.*//' -e 's/\[.*//' | sort -u | wc -l) packages (the book's part, requirements.txt: $$(grep '^[a-zA-Z]' requirements.txt | sed -e 's/=.*//' -e 's/\[.*//' | sort -u | wc -l))."

# Chapter 6's slider shows runs of a grid of trainings (learning rate x hidden size x batch),
# computed once into book/nnlib/views/ch6_digits_runs.npz. After changing nnlib.mlp or the
# grid, rewrite it (tests/test_ch6_digits.py retrains a sample and fails when it is stale).
digits-table: $(READY)
	cd book && ../$(BIN)/python -c "from nnlib.views.ch6_digits import TABLE, write_table; write_table(); print('wrote', TABLE)"

clean:
	rm -rf _build .pytest_cache

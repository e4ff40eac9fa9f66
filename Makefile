# The book's commands. Each sets up .venv from requirements.txt first, so a
# fresh clone needs only Python 3.10+, git and make.
#
#   make book    build the HTML book into _build/html (the default)
#   make test    run every test (what CI runs)
#   make lab     open the notebooks in JupyterLab, sliders live
#   make bench   time one slider move of every interactive figure
#   make notebooks  re-run every notebook in place (after editing one)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready
# Use the venv's own Jupyter kernel and config, never one installed elsewhere.
export JUPYTER_PATH := $(abspath $(VENV))/share/jupyter
export JUPYTER_PLATFORM_DIRS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: book test lab bench notebooks clean
book: $(READY)
	@rm -rf _build/html
	$(BIN)/jupyter-book build . --all -W -n --keep-going
	@test -f _build/html/index.html || { echo "error: no HTML was produced in _build/html" >&2; exit 1; }
	@echo "The book is built. Open: file://$(abspath _build/html/index.html)"

test: $(READY)
	$(BIN)/python -m pytest

lab: $(READY)
	$(BIN)/jupyter lab book/01_neuron.ipynb

bench: $(READY)
	$(BIN)/python tests/benchmark.py

notebooks: $(READY)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=300 --ExecutePreprocessor.kernel_name=python3 book/*.ipynb

$(READY): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
	  { echo "error: Python 3.10 or newer is needed; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv" >&2; rm -rf $(VENV); \
	  apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (book)" >/dev/null
	@touch $@

clean:
	rm -rf _build .pytest_cache

# The two commands a newcomer types:  make lab  |  make test
# Each builds .venv (pinned versions from requirements/constraints.txt) the first time, and reuses it after.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# JupyterLab refuses to run as root without --allow-root; add it only for root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test test-numerics lint typecheck unit notebooks execute bench venv lock clean docs slides docs-assets audit-docs explore student

venv: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11) else f"Python 3.11+ is needed, found {v.major}.{v.minor}: run make PYTHON=python3.11 (or newer)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[lab,test,classroom]'
	touch $(STAMP)

# The project's own Jupyter config comes first (jupyter/, before the user's): its
# labconfig/page_config.json turns off JupyterLab's news and update pop-ups for a class.
# LAB_ARGS adds options, e.g. make lab LAB_ARGS=--no-browser.
lab: export JUPYTER_CONFIG_PATH := $(CURDIR)/jupyter$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

# Student copies of the lessons (build/student: answers replaced by stubs, exercise outputs
# cleared) and an nbgrader course (build/course), from the committed notebooks.
student: $(STAMP)
	$(BIN)/python classroom/build.py --out build

# The explorers of lesson 8 as a classroom app on one screen (apps/explorer.ipynb): Voila on
# 127.0.0.1, token in the printed URL; a kernel whose page was reloaded or closed is shut down
# within a minute.
explore: $(STAMP)
	$(BIN)/python -m hinge_utils.widgets.app apps/explorer.ipynb

lint: $(STAMP)
	$(BIN)/ruff check hinge_utils tests benchmarks docs classroom $(wildcard notebooks)

# mypy over hinge_utils (configured in pyproject.toml): every function annotated and checked.
typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest tests hinge_utils docs/*.py --doctest-modules

# nbval in strict mode: every text output of every notebook is re-computed and compared.
notebooks: $(STAMP)
	$(BIN)/python -m pytest --nbval --nbval-current-env notebooks

# Everything in one pytest run (one summary line): unit tests, doctests, and nbval on the lessons.
test: lint typecheck
	$(BIN)/python -m pytest tests hinge_utils docs/*.py --doctest-modules \
		--nbval --nbval-current-env $(wildcard notebooks/*.ipynb)

# The lessons again under nbval with other CPU code paths: torch's generic and AVX2 kernels, and
# MKL's conditional-numerical-reproducibility modes. Another CPU rounds the last bits differently;
# every committed output must hold all the same (nothing is sanitised). x86-64 only: elsewhere
# there are no such kernels to switch to, and the target says so.
NUMERICS := default:COMPATIBLE avx2:AVX2
test-numerics: $(STAMP)
	@if [ "$$(uname -m)" != "x86_64" ]; then \
		echo "test-numerics: skipped, this CPU is $$(uname -m), not x86-64 (no AVX2/generic kernels to switch)"; \
	else \
		for pair in $(NUMERICS); do \
			cap=$${pair%%:*}; mkl=$${pair##*:}; \
			echo "== nbval with ATEN_CPU_CAPABILITY=$$cap MKL_CBWR=$$mkl"; \
			ATEN_CPU_CAPABILITY=$$cap MKL_CBWR=$$mkl $(BIN)/python -m pytest -p no:cacheprovider \
				--nbval --nbval-current-env $(wildcard notebooks/*.ipynb) || exit 1; \
		done; \
	fi

# Re-execute the lessons in place, top to bottom in fresh kernels, without timing metadata.
execute: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.coalesce_streams=True \
		notebooks/[0-9][0-9]_*.ipynb

# Fetch the browser assets pinned by docs/package-lock.json (npm ci, once; a stamp skips it after).
# The build scripts do this themselves; run it alone to fetch before going offline.
docs-assets: $(STAMP)
	$(BIN)/python docs/vendor.py

# The committed, executed notebooks as a static site in build/site (nothing re-executes), with the
# API reference (pdoc, from the docstrings) and an offline search page.
docs: $(STAMP)
	$(BIN)/python docs/build_site.py --out build/site

# One reveal.js deck per lesson in build/slides; the folder runs with no network.
slides: $(STAMP)
	$(BIN)/python docs/build_slides.py --out build/slides

# axe-core in Chromium on every page of build/site and every deck of build/slides: a table of
# violations per page; fails on a serious or critical one (tests/test_accessibility.py does the same).
audit-docs: docs slides
	$(BIN)/python docs/accessibility.py build/site build/slides

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_losses.py
	$(BIN)/python benchmarks/bench_training.py
	$(BIN)/python benchmarks/bench_redraw.py
	$(BIN)/python benchmarks/bench_explorer.py
	$(BIN)/python benchmarks/time_notebooks.py
	$(BIN)/python benchmarks/kernel_memory.py

# Re-pin: resolve pyproject.toml afresh in a scratch venv and write the exact versions. Torch is
# the exception: it stays at the version the constraints pin (the one place it is written; edit
# that line to move it, and environment.yml's pytorch-cpu with it: tests/test_project.py checks).
TORCH_PIN = $(shell grep '^torch==' requirements/constraints.txt)
lock:
	@test -n "$(TORCH_PIN)" || { echo "lock: no 'torch==X.Y.Z' line in requirements/constraints.txt"; exit 1; }
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet '$(TORCH_PIN)' -e '.[lab,test,classroom]'
	{ head -2 requirements/constraints.txt; .venv-lock/bin/python -m pip freeze --exclude-editable | sed 's/+cpu$$//'; } > requirements/constraints.tmp
	mv requirements/constraints.tmp requirements/constraints.txt && rm -rf .venv-lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

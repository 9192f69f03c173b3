# Regularization in Neural Networks - course commands. `make help` lists them.
# Every target that needs Python sets up .venv first (only when it is missing
# or pyproject.toml / requirements-lock.txt changed since the last set-up).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.course-installed
KERNEL := regularization-course
JOBS   ?= 2
# make setup installs the lock with uv (installed into .venv by pip; several times faster, see
# README), and with pip where uv cannot be installed or with INSTALLER=pip. uv compiles the
# packages' bytecode at install time (--compile-bytecode, as pip does by default): without it a
# process that cannot write __pycache__ (a sandboxed grading kernel on its read-only view of .venv,
# or any run under PYTHONDONTWRITEBYTECODE=1) compiles TensorFlow, scikit-learn and Matplotlib from
# source at every start (measured: 18-23 s against 8-9 s to import the three, load 3).
INSTALLER  ?= uv
UV_VERSION := 0.13.9
LAB_ARGS ?=
# Jupyter refuses to start as root unless told; containers and some CI machines run as root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)

NBVAL_ARGS := -p no:cacheprovider -n $(JOBS) --dist loadfile \
	--nbval-kernel-name $(KERNEL) --nbval-sanitize-with tests/nbval_sanitize.cfg \
	--nbval-cell-timeout 600

.DEFAULT_GOAL := help
.PHONY: help setup lab test lint format unit nbval notebooks exercises bench lock clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements-lock.txt
	@test -x $(PY) || $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "The course needs Python 3.11 or newer; $(PYTHON) is older (try make PYTHON=python3.12)."; \
		exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@if [ "$(INSTALLER)" = uv ] && $(PY) -m pip install --quiet --disable-pip-version-check \
			"uv==$(UV_VERSION)" > /dev/null 2>&1; then \
		echo "Installing requirements-lock.txt with uv"; \
		$(BIN)/uv pip install --quiet --compile-bytecode --python $(PY) -r requirements-lock.txt && \
		$(BIN)/uv pip install --quiet --python $(PY) --no-deps -e .; \
	else \
		echo "Installing requirements-lock.txt with pip"; \
		$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-lock.txt && \
		$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .; \
	fi
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) \
		--display-name "Python 3 (regularization course)" > /dev/null
	@touch $(STAMP)
	@echo "Course environment ready in $(VENV) (kernel: $(KERNEL))."

setup: $(STAMP) ## Create .venv with the locked packages and register the course kernel

lab: $(STAMP) ## Set up, then open JupyterLab on the course (LAB_ARGS=--no-browser on a server)
	$(BIN)/jupyter lab notebooks/00_welcome.ipynb $(ALLOW_ROOT) $(LAB_ARGS)

test: $(STAMP) lint unit nbval ## Set up, then run every check: ruff, unit tests, nbval
	@echo "All tests passed."

lint: $(STAMP) ## ruff lint and format check (notebooks included), mypy over course_utils
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP) ## ruff: fix and format code and notebooks, then carry the changes into the notebook sources
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(PY) -m course_utils.instructor.sources --from-notebooks

unit: $(STAMP) ## Unit tests, effect tests and the docstring examples of course_utils
	sh scripts/install-debian-packages.sh bwrap=bubblewrap  # course-grade's sandbox (its tests)
	$(PY) -m pytest tests -n $(JOBS) -q
	$(PY) -m pytest --doctest-modules course_utils -p no:cacheprovider -q

nbval: $(STAMP) ## Re-run notebooks: strict for notebooks/ and solutions/, lax for exercises/
	$(PY) -m pytest --nbval notebooks solutions $(NBVAL_ARGS) -q
	$(PY) -m pytest --nbval-lax exercises $(NBVAL_ARGS) -q

notebooks: $(STAMP) ## Build every notebook from its source in sources/ and execute it (fresh kernel, fixed seeds)
	$(PY) -m course_utils.instructor.execute $(wildcard sources/notebooks/*.py sources/solutions/*.py)

exercises: $(STAMP) ## Regenerate exercises/ from solutions/
	$(PY) -m course_utils.instructor.exercises

bench: $(STAMP) ## Time every notebook; write benchmarks/ and the README syllabus
	$(PY) -m course_utils.instructor.bench

lock: ## Re-resolve the dependency ranges in a scratch venv and rewrite requirements-lock.txt
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check ".[lab,instructor,test,browser,docs,dev]"
	.lock-venv/bin/python -m pip freeze --exclude-editable --disable-pip-version-check \
		| grep -v '^course[-_]utils' > requirements-lock.txt
	rm -rf .lock-venv
	@echo "requirements-lock.txt rewritten; run 'make notebooks' and commit both."

MIN_VENV := .min-venv
MIN_PY   := $(MIN_VENV)/bin/python
MIN_UV   := $(MIN_VENV)/bin/uv
.PHONY: test-min
test-min: ## Unit tests and lax nbval on the lowest versions the ranges allow (scratch .min-venv)
	rm -rf $(MIN_VENV)
	$(PYTHON) -m venv $(MIN_VENV)
	$(MIN_PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(MIN_UV) pip compile pyproject.toml --quiet --resolution lowest-direct --python $(MIN_PY) \
		--extra lab --extra instructor --extra test --output-file $(MIN_VENV)/requirements-min.txt
	$(MIN_UV) pip install --quiet --compile-bytecode --python $(MIN_PY) -r $(MIN_VENV)/requirements-min.txt
	$(MIN_UV) pip install --quiet --python $(MIN_PY) --no-deps -e .
	$(MIN_PY) -m ipykernel install --sys-prefix --name $(KERNEL) > /dev/null
	@grep -E '^(tensorflow|keras|numpy|scikit-learn|matplotlib|pandas|ipywidgets)==' \
		$(MIN_VENV)/requirements-min.txt | tr '\n' ' '; echo
	$(MIN_PY) -m pytest tests -n $(JOBS) -q -p no:cacheprovider
	$(MIN_PY) -m pytest --nbval-lax notebooks solutions exercises $(NBVAL_ARGS) -q
	@echo "The lowest versions the ranges allow pass (scratch environment: $(MIN_VENV))."

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .lock-venv $(MIN_VENV) .pytest_cache .ruff_cache .mypy_cache
	find . -name __pycache__ -prune -exec rm -rf {} +

.PHONY: test-browser
test-browser: $(STAMP) site ## Real-browser tests: the explorers in JupyterLab, the course website
	sh scripts/install-debian-packages.sh /usr/bin/chromium=chromium /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf=fonts-dejavu-core
	COURSE_BROWSER_TEST=1 $(PY) -m pytest tests/browser -p no:cacheprovider -q

.PHONY: test-attacks
test-attacks: $(STAMP) ## Every hostile submission of the grader's attack suite (make unit runs the core ones)
	sh scripts/install-debian-packages.sh /usr/bin/bwrap=bubblewrap
	COURSE_GRADE_ATTACKS=all $(PY) -m pytest tests/test_grade_attacks.py -p no:cacheprovider -q

# ----------------------------------------------------------------------------- course website
# COURSE_REPOSITORY: the public GitHub address behind the Colab/Binder buttons; empty means
# [project.urls] Repository in pyproject.toml. make site COURSE_REPOSITORY=https://github.com/you/fork
COURSE_REPOSITORY ?=
SITE_SRC := build/site-src
SITE     := build/site
DOCS_STAMP := $(VENV)/.course-docs-installed

$(DOCS_STAMP): $(STAMP) pyproject.toml requirements-lock.txt
	$(PY) -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['docs']))" > $(VENV)/docs-requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements-lock.txt -r $(VENV)/docs-requirements.txt
	@touch $(DOCS_STAMP)

.PHONY: site
site: $(DOCS_STAMP) ## Build the course website into build/site from the committed notebooks (no re-execution)
	rm -rf $(SITE_SRC) $(SITE)
	mkdir -p $(SITE_SRC)/notebooks $(SITE_SRC)/exercises
	cp docs/site/index.md $(SITE_SRC)/
	cp notebooks/*.ipynb $(SITE_SRC)/notebooks/
	cp exercises/*.ipynb $(SITE_SRC)/exercises/
	COURSE_REPOSITORY=$(COURSE_REPOSITORY) $(BIN)/sphinx-build -q -W --keep-going -b html -c docs/site $(SITE_SRC) $(SITE)
	@echo "Website built: open $(SITE)/index.html (or python -m http.server -d $(SITE))."

# Two commands: `make run` (set up, build the demo warehouse if missing, serve the app)
# and `make test` (set up and run the whole test suite, browser tests included).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DB     ?= data/warehouse.duckdb
BACKUPS ?= data/backups
KEEP   ?= 14
STAMP  := $(VENV)/.installed

# The test suite runs on every core (pytest-xdist): one worker more than the cores, since the browser tests
# wait for drawing part of the time; WORKERS=1 runs it in one process.
WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

.PHONY: run test test-system setup demo backup lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

$(DB): | $(STAMP)
	$(PY) -m dialogue --db $(DB) demo --scale default

demo: $(STAMP)
	$(PY) -m dialogue --db $(DB) demo --scale default

# A consistent copy while the app serves, with its manifest; the newest $(KEEP) are kept.
backup: $(STAMP)
	$(PY) -m dialogue --db $(DB) backup $(BACKUPS) --keep $(KEEP)

run: $(STAMP) $(DB)
	DIALOGUE_DB=$(DB) $(PY) -m dialogue.serve --server.address 127.0.0.1 --server.port 8501

# Chromium, fonts, LibreOffice and pdftotext: installed when missing, or a stop with the command to run,
# before the Python environment is built and before any test runs.
test-system:
	@bash tools/test_system.sh

test: test-system $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -n $(WORKERS)

bench: $(STAMP)
	$(PY) -m dialogue bench --scale large

lint: $(STAMP)
	$(PY) -m ruff check .

clean:
	rm -rf $(VENV) build tests/artifacts

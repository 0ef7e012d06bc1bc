# The two everyday commands: `make serve` and `make test`. Both build the virtual
# environment on first use; only python3 and make are needed on the machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
TRAIN_DATA ?= data/train.csv

.PHONY: serve test lint typecheck pytest train venv bench reliability clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Trains the default model first when no model has been promoted yet.
serve: $(STAMP)
	@if [ ! -f models/registry.json ]; then \
		echo "No promoted model yet: training the default model from $(TRAIN_DATA)"; \
		$(BIN)/triage train --data $(TRAIN_DATA) || exit 1; \
	fi
	$(BIN)/triage serve --host $(HOST) --port $(PORT)

train: $(STAMP)
	$(BIN)/triage train --data $(TRAIN_DATA)

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check nlp training service tests bench
	$(BIN)/ruff format --check nlp training service tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

# Benchmarks print tables and append them to bench/RESULTS.md; not part of `make test`.
bench: $(STAMP)
	@if [ ! -f models/registry.json ]; then $(BIN)/triage train --data $(TRAIN_DATA) || exit 1; fi
	$(BIN)/python -m bench

# Runs the reliability tests and a 20,000-request soak, and rewrites docs/RELIABILITY.md.
reliability: $(STAMP)
	@if [ ! -f models/registry.json ]; then $(BIN)/triage train --data $(TRAIN_DATA) || exit 1; fi
	$(BIN)/python -m bench.reliability

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# paritykit: `make demo` and `make test` work on a fresh machine; both install first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint sample clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

sample: install
	$(BIN)/paritykit synth benefits --out data/sample/benefits.xlsx

demo: sample
	mkdir -p reports
	$(BIN)/paritykit qtl data/sample/benefits.xlsx --out reports/quantitative_test.csv
	@echo "Demo output written to reports/"

lint: install
	$(BIN)/ruff check .

test: install lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) reports/demo build dist *.egg-info

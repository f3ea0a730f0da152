# paritykit: `make demo` and `make test` work on a fresh machine; both install first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint sample docs app clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,app]'
	touch $(STAMP)

SAMPLE_CLAIMS_ROWS ?= 200000

sample: install
	$(BIN)/paritykit synth benefits --out data/sample/benefits.xlsx
	$(BIN)/paritykit synth plan --plan-id SAMPLE-B --out data/sample/plan.yaml
	$(BIN)/paritykit synth claims --rows $(SAMPLE_CLAIMS_ROWS) --plans 3 --seed 7 \
	  --plan-ids SAMPLE-A,SAMPLE-B,SAMPLE-C \
	  --disparity 'plan=2,classification=outpatient_in_network,measure=denial_rate,ratio=1.8' \
	  --out data/sample/claims.parquet

demo: sample
	mkdir -p reports
	$(BIN)/paritykit qtl data/sample/benefits.xlsx --out reports/quantitative_test.csv \
	  --levels-out reports/quantitative_test_levels.csv
	$(BIN)/paritykit report --benefits data/sample/benefits.xlsx \
	  --claims data/sample/claims.parquet --plan data/sample/plan.yaml --out reports/demo
	@echo "Demo evidence pack written to reports/demo/ (report.pdf|html, evidence.xlsx, charts/, complaint_letter.*)"

app: install
	$(BIN)/paritykit app

docs: install
	$(BIN)/python scripts/gen_cli_docs.py
	$(BIN)/jupytext --sync notebooks/*.py

lint: install
	$(BIN)/ruff check .

test: install lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) reports/demo build dist *.egg-info

"""The nqtl command: text, JSON, outcomes, analysis, and one-line errors; the template sheet."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import yaml
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

import paritykit as pk
from paritykit import columns as C
from paritykit.cli import COMMAND_MODULES, cli
from paritykit.evidence.nqtl_template import write_nqtl_sheet

from .helpers import SUFFICIENT, outcomes, pair


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def test_registered_with_help() -> None:
    assert "paritykit.cli.nqtl" in COMMAND_MODULES
    result = run("nqtl", "--help")
    assert result.exit_code == 0 and "--outcomes" in result.output


def test_text_output_on_the_sample_plans(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    pk.sample_nqtls().to_csv(path, index=False)
    out = tmp_path / "out" / "findings.csv"
    result = run("nqtl", str(path), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "[warning_sign] SAMPLE-B" in result.output
    assert "Request: Please provide" in result.output
    assert "not legal advice" in result.output
    written = pd.read_csv(out)
    assert set(written["plan_id"]) == {"SAMPLE-B", "SAMPLE-C"}


def test_json_with_outcomes_and_analysis(tmp_path: Path) -> None:
    nqtls = tmp_path / "n.csv"
    pair("prior_authorization").to_csv(nqtls, index=False)
    summary = tmp_path / "s.parquet"
    outcomes(60, 200, 40, 400).to_parquet(summary)
    answers = tmp_path / "a.yaml"
    entry = dict(SUFFICIENT, nqtl_type="prior_authorization", findings_and_conclusions="n/a")
    answers.write_text(yaml.safe_dump([entry]))
    result = run("nqtl", str(nqtls), "--outcomes", str(summary), "--analysis", str(answers),
                 "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"findings", "comparisons", "outcome_tests", "analysis_elements",
                            "notes"}  # fmt: skip
    found = {f["finding_kind"] for f in payload["findings"]}
    assert found == {"outcome_disparity", "element_thin"}
    disparity = next(f for f in payload["findings"] if f["finding_kind"] == "outcome_disparity")
    assert disparity["flagged"] is True and disparity["mhsud_rate"] == 0.3
    assert payload["outcome_tests"][0]["measure"] == "prior_auth_denial_rate"


def test_bad_input_is_one_error_line_and_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    pair(mh={"applies": "perhaps"}).to_csv(path, index=False)
    result = run("nqtl", str(path))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:")
    assert "row 2" in lines[0] and "applies" in lines[0]
    missing = run("nqtl", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_template_sheet_has_drop_downs_and_reads_back(tmp_path: Path) -> None:
    wb = Workbook()
    example = pk.sample_nqtls().query("plan_id == 'SAMPLE-B'")
    ws = write_nqtl_sheet(wb, example)
    assert ws.title == "NQTLs"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    sheet = load_workbook(path)["NQTLs"]
    header = [c.value for c in sheet[1]]
    assert header == list(C.NQTL_COLUMNS)
    lists = {
        str(dv.sqref).split(":")[0][0]: dv.formula1
        for dv in sheet.data_validations.dataValidation
        if dv.type == "list"
    }
    assert "prior_authorization" in lists["E"] and lists["F"] == '"yes,no"'
    assert sheet["F2"].value in ("yes", "no")
    back = pk.read_nqtls(path)
    assert back["applies"].tolist() == example["applies"].tolist()
    review = pk.nqtl_review(back)
    assert "stricter_review_interval" in set(review.findings["finding_kind"])

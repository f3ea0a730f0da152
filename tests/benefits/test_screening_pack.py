"""`paritykit report` on benefits without projected payments writes a screening pack (issue 15).

The benefits are the regulation's Examples 1 and 2 with the payments removed, plus an MH/SUD
copay above every M/S copay in the emergency classification and an MH/SUD annual dollar limit
that no M/S benefit has (both fail whatever the payments).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import yaml
from click.testing import CliRunner

from paritykit.cli import cli
from paritykit.synth.benefits import sample_plan_facts

from .helpers import example_1, example_2, mh, ms, table


def screening_benefits(path: Path) -> Path:
    emergency = table(
        [
            ms("emergency", "er", "copay", 250, None),
            ms("emergency", "ambulance", "copay", 100, None),
            mh("emergency", "psych er", "copay", 300),
            mh("emergency", "psych er", "annual_dollar_limit", 10_000),
        ]
    )
    frame = pd.concat([example_1(15), example_2(15), emergency], ignore_index=True).assign(
        projected_payments=None, plan_id="SAMPLE-B"
    )
    frame.to_csv(path, index=False)
    return path


def test_report_without_payments_writes_a_screening_pack(tmp_path: Path) -> None:
    benefits = screening_benefits(tmp_path / "benefits.csv")
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(sample_plan_facts("SAMPLE-B")))
    out = tmp_path / "pack"
    result = CliRunner().invoke(
        cli, ["report", "--benefits", str(benefits), "--plan", str(plan), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    # Terminal: each open condition on one line (the full text is in the files).
    flat = " ".join(result.output.split())
    assert "inpatient out of network, coinsurance: complies only if" in flat
    assert len(result.output.strip().splitlines()) <= 22
    # Workbook: the screening columns, with each answer (codes kept beside the labels).
    from paritykit.evidence.workbook import read_tables

    wb = openpyxl.load_workbook(out / "evidence.xlsx")
    (table,) = read_tables(wb["Quantitative test"])
    body = table[table["plan_id"] == "SAMPLE-B"]
    by_place = {
        (r["classification"], r["requirement_type"]): r for r in body.to_dict("records")
    }
    assert by_place[("emergency", "copay")]["screening"] == "fails_whatever_the_payments"
    assert by_place[("outpatient_in_network", "copay")]["screening"] == "depends_on_payments"
    condition = by_place[("inpatient_out_of_network", "coinsurance")]["screening_condition"]
    assert "coinsurance of 15% or more" in condition
    assert "more than half" in by_place[("outpatient_in_network", "copay")]["screening_condition"]
    # Summary sheet: the depends findings ask for the payments.
    (summary,) = read_tables(wb["Summary"])
    assert (summary["severity"] == "depends_on_payments").any()
    # Report document: determined and depends findings, each with its label.
    html = (out / "report.html").read_text()
    assert "Depends on the plan" in html and "more restrictive than every M/S copay" in html
    # A dollar limit no M/S benefit carries: decided without payments, in the document too.
    assert "benefits: annual dollar limit" in html
    assert (out / "report.pdf").stat().st_size > 0

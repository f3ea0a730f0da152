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
    # Terminal: the open conditions, in full.
    assert "depend on them" in result.output
    assert "coinsurance of 15% or more" in " ".join(result.output.split())
    # Workbook: the screening columns, with each answer.
    wb = openpyxl.load_workbook(out / "evidence.xlsx", read_only=True)
    rows = list(wb["Quantitative test"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "plan id")
    cols = rows[header]
    body = [
        dict(zip(cols, r, strict=False)) for r in rows[header + 1 :] if r and r[0] == "SAMPLE-B"
    ]
    by_place = {(r["classification"], r["requirement type"]): r for r in body}
    assert by_place[("emergency", "copay")]["screening"] == "fails_whatever_the_payments"
    assert by_place[("outpatient_in_network", "copay")]["screening"] == "depends_on_payments"
    assert "more than half" in by_place[("outpatient_in_network", "copay")]["screening condition"]
    # Summary sheet: the depends findings ask for the payments.
    summary = list(wb["Summary"].iter_rows(values_only=True))
    assert any("depends_on_payments" in map(str, r) for r in summary)
    # Report document: determined and depends findings, each with its label.
    html = (out / "report.html").read_text()
    assert "Depends on the plan" in html and "more restrictive than every M/S copay" in html
    # A dollar limit no M/S benefit carries: decided without payments, in the document too.
    assert "benefits: annual dollar limit" in html
    assert (out / "report.pdf").stat().st_size > 0

"""A synthetic practice year end to end: synth -> appeals -> scorecard appeal sheet -> complaint."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from paritykit.cli import cli

PAYER = "SAMPLE HEALTH INSURANCE"


@pytest.fixture(scope="module")
def year(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("year")
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "synth", "remittances", "--out", str(folder / "remits"), "--claims", "1200",
            "--seed", "11", "--appeal-log", str(folder / "appeal_log.csv"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "appeal_log.csv" in result.output
    return folder, runner


def _sheet_table(ws, first_header: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The sheet's table with tidy column names (its first column is ``first_header``)."""
    from paritykit.evidence.workbook import read_tables

    table = next(t for t in read_tables(ws) if t.columns[0] == first_header)
    return table


def test_appeals_follow_the_log(year) -> None:  # type: ignore[no-untyped-def]
    folder, runner = year
    result = runner.invoke(
        cli,
        [
            "appeals", str(folder / "remits"), "--log", str(folder / "appeal_log.csv"),
            "--as-of", "2025-01-10", "--include-expired", "--json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    stages = {r["appeal_stage"] for r in records}
    assert {"denied", "appeal upheld"} <= stages
    log = pd.read_csv(folder / "appeal_log.csv")
    known = log[pd.to_datetime(log["date"]) <= "2025-01-10"]  # decided by the as-of day
    overturned = set(known.loc[known["outcome"] == "overturned", "claim_id"])
    listed = {r["claim_id"] for r in records}
    assert overturned and not overturned & listed  # decided in the practice's favour: gone
    upheld = [r for r in records if r["appeal_stage"] == "appeal upheld"]
    assert all(r["next_step"].startswith("request external review by") for r in upheld)


def test_scorecard_appeal_sheet_and_complaint_agree(year) -> None:  # type: ignore[no-untyped-def]
    folder, runner = year
    out = folder / "scorecard"
    result = runner.invoke(
        cli, ["payers", str(folder / "remits"), "--log", str(folder / "appeal_log.csv"),
              "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (out / "appeal_outcomes.png").is_file()
    book = load_workbook(out / "payer_scorecard.xlsx")
    assert "Appeal outcomes" in book.sheetnames
    names = book.sheetnames
    assert names.index("Chart") < names.index("Appeal outcomes") < names.index("Method")
    from paritykit.evidence.workbook import read_tables

    (sheet,) = read_tables(book["Appeal outcomes"])
    from paritykit.analysis.appeal_outcomes import appeal_outcomes, suppress_appeal_outcomes
    from paritykit.load.x12 import read_835

    claims = read_835(folder / "remits").claims
    expected = suppress_appeal_outcomes(
        appeal_outcomes(folder / "appeal_log.csv", claims=claims).table
    )
    from paritykit.vocab import is_code, label_for

    # a denial category is shown in words ("Medical necessity"), as on every sheet
    shown = [label_for(v) if is_code(v) else v for v in expected["group_value"]]
    assert sheet["group_value"].tolist() == shown
    got = pd.to_numeric(sheet["appeals_decided"], errors="coerce")
    assert got.fillna(-1).tolist() == expected["appeals_decided"].fillna(-1).tolist()
    published = sheet.loc[sheet["grouping"] == "clinical_documentation", "published_rate"]
    assert published.tolist()[:2] == [0.68, 0.25]

    letters = folder / "complaint"
    result = runner.invoke(
        cli,
        [
            "complaint", "--payer", PAYER, str(folder / "remits"), "--log",
            str(folder / "appeal_log.csv"), "--state", "OH", "--date", "2025-01-15",
            "--out", str(letters),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (letters / "pattern_complaint.md").read_text(encoding="utf-8")
    card = _sheet_table(book["Scorecard"], "plan_id").set_index("plan_id")
    row = card.loc[PAYER]
    assert f"with {int(row['claim_lines']):,} claim lines" in text
    assert f"It denied {int(row['denied']):,} of those lines: {row['denial_rate']:.1%}" in text
    assert f"or {row['other_payers_denial_rate']:.1%}." in text
    assert f"{row['rate_ratio']:.2f} times as often" in text
    assert (letters / "pattern_report.pdf").read_bytes()[:5] == b"%PDF-"
    assert (letters / "pattern_complaint.docx").stat().st_size > 5000

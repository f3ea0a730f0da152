"""The payers, appeals and appeal-letter commands: exit codes and files written."""

from __future__ import annotations

import json

import docx
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from paritykit.cli import cli
from paritykit.evidence.payer_workbook import SHEET_NAMES


@pytest.fixture(scope="module")
def folder(practice_year):
    return practice_year[1]


def test_payers_writes_the_scorecard_workbook(folder, tmp_path) -> None:
    result = CliRunner().invoke(cli, ["payers", str(folder), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / "payer_scorecard.xlsx")
    assert tuple(wb.sheetnames) == SHEET_NAMES
    values = [c.value for row in wb["Scorecard"].iter_rows() for c in row]
    assert "SAMPLE HEALTH INSURANCE" in values
    by_code = [c.value for row in wb["By procedure"].iter_rows() for c in row]
    assert "<11" in by_code  # small cells are suppressed by default
    files = [c.value for row in wb["Provenance"].iter_rows() for c in row]
    assert any(isinstance(v, str) and len(v) == 64 for v in files)  # SHA-256 of an input
    png = tmp_path / "payer_denial_rates.png"
    assert png.stat().st_size < 200_000
    # charts on their own sheet: the native bar chart of the scorecard and the picture
    assert len(wb["Scorecard"]._charts) == 0
    assert len(wb["Chart"]._charts) == 1 and len(wb["Chart"]._images) == 1


def test_payers_no_suppress_and_errors(folder, tmp_path) -> None:
    result = CliRunner().invoke(
        cli, ["payers", str(folder), "--out", str(tmp_path), "--no-suppress", "--no-procedures"]
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / "payer_scorecard.xlsx")
    values = [c.value for row in wb["Scorecard"].iter_rows() for c in row]
    assert "<11" not in values
    missing = CliRunner().invoke(
        cli, ["payers", str(tmp_path / "nope.835"), "--out", str(tmp_path)]
    )
    assert missing.exit_code == 1
    errors = [line for line in missing.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and "nope.835" in errors[0]
    none = CliRunner().invoke(cli, ["payers", "--out", str(tmp_path)])
    assert none.exit_code == 1 and "no input given" in none.output


def test_appeals_json_is_soonest_first(folder) -> None:
    result = CliRunner().invoke(cli, ["appeals", str(folder), "--as-of", "2024-12-01", "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert records
    days = [r["days_left"] for r in records]
    assert days == sorted(days) and min(days) >= 0
    assert records[0]["notice_date_source"] == "payment_date (remittance date)"
    text = CliRunner().invoke(cli, ["appeals", str(folder), "--as-of", "2024-12-01"])
    assert text.exit_code == 0 and "Open denials as of 2024-12-01" in text.stdout
    bad = CliRunner().invoke(cli, ["appeals", str(folder), "--plan-type", "hmo"])
    assert bad.exit_code == 2


def test_appeal_letter_writes_markdown_and_docx(practice_year, tmp_path) -> None:
    truth = practice_year[0].truth
    claim = truth[(truth["status"] == "denied") & (truth["denial_reason"] == "50")][
        "claim_id"
    ].iloc[0]
    result = CliRunner().invoke(
        cli,
        ["appeal-letter", "--claim", claim, str(practice_year[1]), "--out", str(tmp_path),
         "--as-of", "2024-12-01"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    md = (tmp_path / f"appeal_letter_{claim}.md").read_text()
    assert "This is not legal advice." in md and "[patient's name]" in md
    assert claim in md and "29 CFR 2590.712(d)(1)" in md
    text = "\n".join(
        p.text for p in docx.Document(tmp_path / f"appeal_letter_{claim}.docx").paragraphs
    )
    assert "[patient's name]" in text and "not legal advice" in text
    unknown = CliRunner().invoke(
        cli, ["appeal-letter", "--claim", "NOPE", str(practice_year[1]), "--out", str(tmp_path)]
    )
    assert unknown.exit_code == 1 and "not in the data" in unknown.output


def test_payers_folder_with_bad_files_goes_on_and_lists_problems(practice_year, tmp_path) -> None:
    """One unreadable file and one 999 in the folder: the run goes on, problems.csv has all."""
    import shutil

    import pandas as pd

    folder = tmp_path / "remits"
    shutil.copytree(practice_year[1], folder)
    first = sorted(folder.iterdir())[0]
    text = first.read_text()
    (folder / "cut.835").write_text(text[: len(text) // 2])
    (folder / "ack.999").write_text(
        "ISA*00*          *00*          *ZZ*CH             *ZZ*TP             *240301*1200*^*00501*"
        "000000009*0*T*:~GS*FA*CH*TP*20240301*1200*9*X*005010X231A1~ST*999*0001~AK9*A*1*1*1~"
        "SE*3*0001~GE*1*9~IEA*1*000000009~"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["payers", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 skipped" in result.output
    assert "see .problems" not in result.output.lower()
    shown = [line for line in result.output.splitlines() if "file skipped." in line]
    assert any("cut.835, segment" in line for line in shown)
    assert any("ack.999" in line and "999 implementation acknowledgment" in line for line in shown)
    problems = pd.read_csv(out / "problems.csv")
    assert {"file", "row", "column", "value", "problem", "expected", "claim_id", "action"} <= set(
        problems.columns
    )
    assert (problems["action"] == "file skipped").sum() == 2
    assert f"All problems: {out / 'problems.csv'}" in result.output


def test_synth_remittances_writes_the_sample_835s_the_guide_uses(tmp_path) -> None:
    from paritykit import read_835, synthetic_remittances

    out = tmp_path / "remits" / "2024"
    args = ["synth", "remittances", "--out", str(out), "--seed", "3", "--claims", "60"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.835"))
    assert files and "Wrote" in result.output
    claims = read_835(out).claims
    truth = synthetic_remittances(claims=60, seed=3).truth
    assert len(claims) == len(truth) and claims["claim_id"].nunique() == 60
    assert sorted(claims["claim_id"]) == sorted(truth["claim_id"])
    again = tmp_path / "again"
    CliRunner().invoke(cli, ["synth", "remittances", "--out", str(again), "--seed", "3",
                             "--claims", "60"])  # fmt: skip
    second = sorted(again.glob("*.835"))
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in second]

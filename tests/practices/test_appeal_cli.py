"""The appeal-log template command and the complaint command's refusals."""

from __future__ import annotations

from click.testing import CliRunner

from paritykit import read_appeal_log
from paritykit.cli import cli


def test_template_appeal_log_writes_a_readable_workbook(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "appeal_log.xlsx"
    result = CliRunner().invoke(cli, ["template", "appeal-log", str(target)])
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    assert load_workbook(target).sheetnames == ["Instructions", "Appeal log"]
    assert len(read_appeal_log(target).events) == 3
    bad = CliRunner().invoke(cli, ["template", "appeal-log", str(tmp_path / "log.txt")])
    assert bad.exit_code != 0 and ".xlsx or .csv" in bad.output


def test_complaint_refuses_church_plans_with_whom_to_contact(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from paritykit import synthetic_remittances
    from paritykit.synth.remittances import write_practice_year

    folder = tmp_path / "remits"
    write_practice_year(synthetic_remittances(claims=60, seed=3), folder)
    result = CliRunner().invoke(
        cli,
        ["complaint", "--payer", "TEST MUTUAL", str(folder), "--plan-type", "church", "--out",
         str(tmp_path / "out")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "church plans: paritykit does not draft this complaint letter" in result.output
    assert not (tmp_path / "out" / "pattern_complaint.md").exists()

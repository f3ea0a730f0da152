"""A user's fee schedule: each problem named by file, row and column; the CLI options."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from paritykit.analysis.medicare import paid_vs_medicare
from paritykit.cli import cli
from paritykit.errors import ConfigurationError, DataValidationError
from paritykit.evidence.payer_workbook import MEDICARE_SHEET, SHEET_NAMES
from paritykit.load.fee_schedule import read_fee_schedule

HEADER = ["procedure_code", "modifier", "amount", "locality", "year"]


def _write(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_good_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "fees.csv",
        [["90837", "", "$1,160.00", "", 2026], ["90837", "26", "150.5", "", 2026]],
    )
    fs = read_fee_schedule(path)
    assert fs.amount("90837") == 1160.0 and fs.amount("90837", "26") == 150.5
    assert fs.year == 2026 and fs.locality == "" and fs.source == "fee schedule fees.csv"
    assert fs.problems.empty


def test_each_bad_row_is_named_by_row_and_column_and_left_out(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "fees.csv",
        [
            ["90837", "", "150.00", "TX-18", 2026],  # row 2: good
            ["9083", "", "99", "TX-18", 2026],  # row 3: code too short
            ["90834", "", "abc", "TX-18", 2026],  # row 4: not an amount
            ["90834", "", "-5", "TX-18", 2026],  # row 5: negative
            ["90791", "XYZ", "170", "TX-18", 2026],  # row 6: modifier
            ["90847", "", "110", "TX-18", ""],  # row 7: no year
            ["90832", "", "80", "TX-18", "20x6"],  # row 8: bad year
            ["90853", "", "30", "TX-18", 2026],  # row 9: duplicate ...
            ["90853", "", "31", "tx 18", 2026],  # row 10: ... of row 9 (same locality)
            ["", "", "30", "TX-18", 2026],  # row 11: no code
            ["99213", "", "90", "NY-01", 2026],  # row 12: another locality, set aside
        ],
    )
    fs = read_fee_schedule(path, locality="TX-18")
    got = {(r.row, r.column): r.problem for r in fs.problems.itertuples()}
    assert got == {
        (3, "procedure_code"): "not a CPT/HCPCS code",
        (4, "amount"): "not a dollar amount above 0",
        (5, "amount"): "not a dollar amount above 0",
        (6, "modifier"): "not a modifier",
        (7, "year"): "missing year",
        (8, "year"): "not a calendar year",
        (9, "procedure_code"): "duplicate code and modifier",
        (10, "procedure_code"): "duplicate code and modifier (first at row 9)",
        (11, "procedure_code"): "missing procedure code",
    }
    assert set(fs.problems["file"]) == {str(path)}
    assert fs.problems.loc[fs.problems["row"] == 4, "value"].item() == "abc"
    assert fs.amounts["procedure_code"].tolist() == ["90837"]  # the one good row of TX-18
    assert fs.locality == "TX-18" and fs.notes == ("1 row(s) of other localities set aside",)


def test_missing_column_names_the_file_and_columns(tmp_path: Path) -> None:
    path = _write(tmp_path / "fees.csv", [["90837", "150"]], header=["code", "amount"])
    with pytest.raises(DataValidationError) as err:
        read_fee_schedule(path)
    assert "fees.csv" in str(err.value) and "procedure_code, year" in str(err.value)
    assert set(err.value.problems["column"]) == {"procedure_code", "year"}


def test_several_localities_or_years_need_a_choice(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "fees.csv",
        [["90837", "", "150", "TX-18", 2026], ["90837", "", "170", "NY-01", 2026]],
    )
    with pytest.raises(ConfigurationError, match=r"2 localities .*choose one with --locality"):
        read_fee_schedule(path)
    assert read_fee_schedule(path, locality="NY-01").amount("90837") == 170.0
    with pytest.raises(ConfigurationError, match="no row is for locality CA-18"):
        read_fee_schedule(path, locality="CA-18")
    mixed = _write(
        tmp_path / "mixed.csv", [["90837", "", "150", "", 2025], ["90834", "", "99", "", 2026]]
    )
    with pytest.raises(ConfigurationError, match="mixes years 2025, 2026"):
        read_fee_schedule(mixed)


def test_no_usable_row(tmp_path: Path) -> None:
    path = _write(tmp_path / "fees.csv", [["x", "", "0", "", 2026]])
    with pytest.raises(DataValidationError, match="no usable fee-schedule row") as err:
        read_fee_schedule(path)
    assert len(err.value.problems) == 2  # the code and the amount


def test_user_schedule_prices_the_comparison(tmp_path: Path) -> None:
    path = _write(tmp_path / "fees.csv", [["H0015", "", "200", "", 2026]])
    lines = pd.DataFrame({"plan_id": ["A"] * 2, "status": ["paid"] * 2,
                          "procedure_code": ["H0015", "90837"], "paid_amount": [150.0, 100.0],
                          "allowed_amount": [180.0, 120.0]})  # fmt: skip
    t = paid_vs_medicare(lines, read_fee_schedule(path)).to_frame().set_index("procedure_code")
    assert t.loc["H0015", "allowed_pct_of_medicare"] == pytest.approx(90.0)
    assert pd.isna(t.loc["90837", "medicare_amount"])  # not in this schedule: listed
    assert (t["year"] == 2026).all() and (t["source"] == "fee schedule fees.csv").all()


def _run(args: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_cli_locality_adds_the_sheet(practice_year, tmp_path: Path) -> None:
    _, folder, _ = practice_year
    out = tmp_path / "out"
    result = _run(["payers", str(folder), "--out", str(out), "--locality", "NY-01"])
    assert result.exit_code == 0, result.output
    assert "Paid vs Medicare:" in result.output and "MANHATTAN" in result.output
    assert "Not in the fee schedule, not compared: H0015" in result.output
    wb = openpyxl.load_workbook(out / "payer_scorecard.xlsx")
    names = list(SHEET_NAMES)
    names.insert(names.index("Method"), MEDICARE_SHEET)
    assert wb.sheetnames == names
    values = [c for row in wb[MEDICARE_SHEET].iter_rows(values_only=True) for c in row]
    assert "NY-01" in values and 169.31 in values  # 90837 in Manhattan (test_medicare.py)


def test_cli_bad_locality_is_one_clear_error(practice_year, tmp_path: Path) -> None:
    _, folder, _ = practice_year
    result = CliRunner().invoke(
        cli, ["payers", str(folder), "--out", str(tmp_path / "o"), "--locality", "NY-77"]
    )
    assert result.exit_code != 0
    assert "--locality 'NY-77'" in result.output and "NY-01 MANHATTAN" in result.output


def test_cli_fee_schedule_problems_go_to_problems_csv(practice_year, tmp_path: Path) -> None:
    _, folder, _ = practice_year
    fees = _write(
        tmp_path / "fees.csv", [["90837", "", "160", "", 2024], ["90834", "", "abc", "", 2024]]
    )
    out = tmp_path / "out"
    result = _run(["payers", str(folder), "--out", str(out), "--fee-schedule", str(fees)])
    assert result.exit_code == 0, result.output
    assert "fees.csv row 3, amount = 'abc'" in result.output
    problems = pd.read_csv(out / "problems.csv", dtype=str)
    row = problems[problems["file"] == str(fees)]
    assert row[["row", "column", "value"]].values.tolist() == [["3", "amount", "abc"]]
    assert "fee schedule fees.csv" in result.output

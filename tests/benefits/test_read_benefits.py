"""Reading and validating the benefits data contract: every kind of bad input names its row and
column, and every problem in a file is reported at once."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import paritykit as pk
from paritykit.evidence.template import write_benefits_template

HEADER = [
    "plan_id",
    "classification",
    "side",
    "benefit",
    "requirement_type",
    "level",
    "projected_payments",
    "accumulation",
]
GOOD = [
    ["P1", "outpatient_in_network", "ms", "Office visit", "copay", 25, 1000, None],
    ["P1", "outpatient_in_network", "mhsud", "Therapy", "copay", 25, None, None],
]


def write_csv(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    pd.DataFrame(rows, columns=header).to_csv(path, index=False)
    return path


def problems_of(source: object, **kwargs: object) -> pd.DataFrame:
    with pytest.raises(pk.DataValidationError) as info:
        pk.read_benefits(source, **kwargs)
    assert isinstance(info.value, ValueError)
    return info.value.problems


def has_problem(problems: pd.DataFrame, *, row: int | None, column: str, text: str) -> bool:
    hits = problems[
        (problems["column"] == column) & problems["problem"].str.contains(text, regex=False)
    ]
    if row is not None:
        hits = hits[hits["row"] == row]
    return len(hits) > 0


def test_good_csv_reads_with_typed_columns(tmp_path: Path) -> None:
    table = pk.read_benefits(write_csv(tmp_path / "b.csv", GOOD))
    assert table["level"].dtype == "float64"
    assert table["coverage_unit"].tolist() == ["self_only", "self_only"]
    assert table["source_row"].tolist() == [2, 3]
    assert pd.isna(table.loc[1, "projected_payments"])


def test_misspelt_column_suggests_the_closest_name(tmp_path: Path) -> None:
    header = [("clasification" if h == "classification" else h) for h in HEADER]
    problems = problems_of(write_csv(tmp_path / "b.csv", GOOD, header))
    rec = problems.iloc[0]
    assert rec["column"] == "classification" and rec["row"] == 1
    assert "clasification" in rec["problem"]
    assert "rename 'clasification'" in rec["expected"]


def test_missing_column_is_named(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "projected_payments"]
    rows = [r[:6] + r[7:] for r in GOOD]
    problems = problems_of(write_csv(tmp_path / "b.csv", rows, header))
    assert has_problem(problems, row=1, column="projected_payments", text="missing")


def test_misspelt_optional_column_is_reported(tmp_path: Path) -> None:
    header = [("acumulation" if h == "accumulation" else h) for h in HEADER]
    problems = problems_of(write_csv(tmp_path / "b.csv", GOOD, header))
    assert "'accumulation'" in problems.iloc[0]["expected"]


def test_unknown_classification_suggests(tmp_path: Path) -> None:
    rows = [GOOD[0], ["P1", "outpatient_in_netwrk", "mhsud", "Therapy", "copay", 25, None, None]]
    problems = problems_of(write_csv(tmp_path / "b.csv", rows))
    rec = problems.iloc[0]
    assert (rec["row"], rec["column"], rec["value"]) == (
        3,
        "classification",
        "outpatient_in_netwrk",
    )
    assert "did you mean 'outpatient_in_network'" in rec["problem"]


def test_classification_spelling_variants_are_accepted() -> None:
    frame = pd.DataFrame([GOOD[0], GOOD[1]], columns=HEADER)
    frame["classification"] = ["Outpatient, In-Network", "outpatient in network"]
    frame["side"] = ["M/S", "MH/SUD"]
    table = pk.read_benefits(frame)
    assert set(table["classification"]) == {"outpatient_in_network"}
    assert table["side"].tolist() == ["ms", "mhsud"]


@pytest.mark.parametrize(
    ("payment", "text"), [(-5, "negative"), ("lots", "not a number"), ("(200)", "negative")]
)
def test_bad_payments(tmp_path: Path, payment: object, text: str) -> None:
    rows = [GOOD[0][:6] + [payment, None], GOOD[1]]
    problems = problems_of(write_csv(tmp_path / "b.csv", rows))
    assert has_problem(problems, row=2, column="projected_payments", text=text)


def test_ms_rows_without_payments_read_for_screening(tmp_path: Path) -> None:
    # Blank payments on every M/S row of a classification: read, and screened by the test.
    rows = [GOOD[0][:6] + [None, None], GOOD[1]]
    table = pk.read_benefits(write_csv(tmp_path / "b.csv", rows))
    assert table["projected_payments"].isna().all()


def test_mixed_payments_in_one_classification_name_the_rows(tmp_path: Path) -> None:
    rows = [
        GOOD[0],
        ["P1", "outpatient_in_network", "ms", "Surgery", "copay", 100, None, None],
        GOOD[1],
    ]
    problems = problems_of(write_csv(tmp_path / "b.csv", rows))
    assert has_problem(problems, row=3, column="projected_payments", text="no projected payments")
    assert has_problem(problems, row=3, column="projected_payments", text="row 2")
    assert len(problems) == 1


def test_money_text_is_read() -> None:
    frame = pd.DataFrame([GOOD[0][:5] + ["$1,500.00", "$12,345.67", None]], columns=HEADER)
    table = pk.read_benefits(frame)
    assert table.loc[0, "level"] == 1500 and table.loc[0, "projected_payments"] == 12345.67


@pytest.mark.parametrize("written", ["20%", "20", 20, " 20 % "])
def test_coinsurance_percent_forms_mean_percentage_points(written: object) -> None:
    frame = pd.DataFrame([GOOD[0][:4] + ["coinsurance", written, 1000, None]], columns=HEADER)
    assert pk.read_benefits(frame).loc[0, "level"] == 20


def test_coinsurance_fraction_is_rejected_with_the_fix(tmp_path: Path) -> None:
    rows = [GOOD[0][:4] + ["coinsurance", 0.2, 1000, None], GOOD[1]]
    problems = problems_of(write_csv(tmp_path / "b.csv", rows))
    rec = problems.iloc[0]
    assert (rec["row"], rec["column"]) == (2, "level")
    assert "write 20 or 20%" in rec["expected"]


def test_percent_copay_and_zero_day_limit_are_rejected(tmp_path: Path) -> None:
    rows = [
        GOOD[0][:5] + ["20%", 1000, None],
        ["P1", "inpatient_in_network", "ms", "Stay", "day_limit", 0, 500, None],
        ["P1", "inpatient_in_network", "ms", "Stay2", "day_limit", 2.5, 500, None],
    ]
    problems = problems_of(write_csv(tmp_path / "b.csv", rows))
    assert has_problem(problems, row=2, column="level", text="percentage")
    assert has_problem(problems, row=3, column="level", text="means no coverage")
    assert has_problem(problems, row=4, column="level", text="whole number")


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    rows = [
        ["P1", "outpatient", "ms", "Office", "copay", "abc", -1, None],
        ["P1", "emergency", "xx", "ER", "copayment", 250, 100, "both"],
        [None, "emergency", "ms", None, "fee", 1, 100, None],
    ]
    problems = problems_of(write_csv(tmp_path / "b.csv", rows))
    found = set(zip(problems["row"], problems["column"], strict=True))
    assert {
        (2, "classification"),
        (2, "level"),
        (2, "projected_payments"),
        (3, "side"),
        (3, "accumulation"),
        (4, "plan_id"),
        (4, "benefit"),
        (4, "requirement_type"),
    } <= found
    assert (problems["file"] == str(tmp_path / "b.csv")).all()


def test_message_names_file_row_and_column(tmp_path: Path) -> None:
    rows = [GOOD[0][:5] + ["abc", 1000, None]]
    path = write_csv(tmp_path / "plan.csv", rows)
    with pytest.raises(pk.DataValidationError, match=r"plan\.csv.*row 2, column 'level'"):
        pk.read_benefits(path)


def test_duplicate_rows_raise_or_drop(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", [GOOD[0], GOOD[1], GOOD[0]])
    problems = problems_of(path)
    assert problems.iloc[0]["row"] == 4
    assert "repeats row 2" in problems.iloc[0]["problem"]
    table = pk.read_benefits(path, duplicates="drop")
    assert len(table) == 2
    assert table.attrs["dropped_duplicates"] == [4]


def test_conflicting_levels_for_one_benefit(tmp_path: Path) -> None:
    rows = [GOOD[0], GOOD[0][:5] + [30, 1000, None]]
    problems = problems_of(write_csv(tmp_path / "b.csv", rows))
    assert has_problem(problems, row=3, column="requirement_type", text="already has a copay")


def test_inconsistent_payments_for_one_benefit(tmp_path: Path) -> None:
    rows = [GOOD[0], GOOD[0][:4] + ["deductible", 500, 2000, "combined"]]
    problems = problems_of(write_csv(tmp_path / "b.csv", rows))
    assert has_problem(problems, row=3, column="projected_payments", text="different amount")


def test_office_visits_only_for_outpatient() -> None:
    frame = pd.DataFrame([GOOD[0]], columns=HEADER).assign(
        classification="emergency", sub_classification="office_visits"
    )
    problems = problems_of(frame)
    assert has_problem(problems, row=1, column="sub_classification", text="only permitted")


def excel(path: Path, rows: list[list[object]]) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Benefits"
    for row in rows:
        ws.append(row)
    wb.save(path)
    return wb


def test_excel_title_rows_blank_rows_and_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    excel(
        path,
        [
            ["Plan benefit design, plan year 2026"],
            [],
            HEADER,
            GOOD[0],
            [],
            ["P1", "outpatient_in_network", "mhsud", "Therapy", "copay", "bad", None, None],
        ],
    )
    problems = problems_of(path)
    assert problems.iloc[0]["row"] == 6  # the spreadsheet row the user sees
    assert problems.iloc[0]["column"] == "level"


def test_excel_blank_rows_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    excel(path, [HEADER, GOOD[0], [None] * 8, GOOD[1], [], []])
    table = pk.read_benefits(path)
    assert table["source_row"].tolist() == [2, 4]
    assert table.attrs["blank_rows"] == [3]


def test_excel_merged_cells_fill_their_range(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    rows = [HEADER, GOOD[0], GOOD[1]]
    rows[2] = [None, *rows[2][1:]]
    wb = excel(path, rows)
    wb.active.merge_cells("A2:A3")
    wb.save(path)
    assert pk.read_benefits(path)["plan_id"].tolist() == ["P1", "P1"]


def test_excel_percentage_formatted_cell_reads_as_shown(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    wb = excel(path, [HEADER, GOOD[0][:4] + ["coinsurance", 0.2, 1000, None]])
    wb.active["F2"].number_format = "0%"
    wb.save(path)
    assert pk.read_benefits(path).loc[0, "level"] == 20


def test_parquet_and_frame_sources(tmp_path: Path) -> None:
    frame = pd.DataFrame(GOOD, columns=HEADER)
    path = tmp_path / "b.parquet"
    frame.to_parquet(path)
    assert len(pk.read_benefits(path)) == 2
    bad = frame.assign(level=["x", 25])
    problems = problems_of(bad)
    assert problems.iloc[0]["row"] == 1 and problems.iloc[0]["file"] == "<DataFrame>"


def test_empty_and_unsupported_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(pk.InputFileError, match="empty"):
        pk.read_benefits(empty)
    with pytest.raises(pk.InputFileError, match="no such file"):
        pk.read_benefits(tmp_path / "missing.csv")
    odd = tmp_path / "b.json"
    odd.write_text("{}")
    with pytest.raises(pk.InputFileError, match="unsupported"):
        pk.read_benefits(odd)


def test_header_only_file(tmp_path: Path) -> None:
    problems = problems_of(write_csv(tmp_path / "b.csv", []))
    assert "no data rows" in problems.iloc[0]["problem"]


def test_template_reads_back_untouched(tmp_path: Path) -> None:
    path = write_benefits_template(tmp_path / "template.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Instructions", "Benefits", "NQTLs"]
    validations = wb["Benefits"].data_validations.dataValidation
    lists = {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in validations}
    assert "inpatient_in_network" in lists["C"]  # classification drop-down
    assert lists["E"] == '"ms,mhsud"'
    table = pk.read_benefits(path)
    assert table["plan_id"].unique().tolist() == ["EXAMPLE-PLAN"]
    assert pk.quantitative_test(table).to_frame()["compliant"].all()
    nqtls = pk.read_nqtls(path)
    assert set(nqtls["plan_id"]) == {"EXAMPLE-PLAN"}


def test_an_edited_validated_table_is_checked_again(tmp_path: Path) -> None:
    table = pk.read_benefits(write_csv(tmp_path / "b.csv", GOOD))
    edited = table.astype({"level": object})
    edited.loc[1, "level"] = "fifty dollars"
    problems = problems_of(edited)
    rec = problems.iloc[0]
    # The message keeps the original file and its row numbers.
    assert (rec["file"], rec["row"], rec["column"]) == (str(tmp_path / "b.csv"), 3, "level")
    with pytest.raises(pk.DataValidationError):
        pk.quantitative_test(edited)

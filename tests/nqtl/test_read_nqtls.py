"""The NQTL inventory and comparative-analysis contracts: formats, aliases and bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import Workbook

import paritykit as pk
from paritykit.errors import DataValidationError, InputFileError
from paritykit.evidence.nqtl_template import write_analysis_sheet, write_nqtl_sheet

from .helpers import SUFFICIENT, pair, row


def test_aliases_and_words_are_normalized() -> None:
    table = pd.DataFrame(
        [
            row("MH/SUD", "Prior auth", classification="Inpatient, In-Network", applies="Y"),
            row("medical", "fail first", applies=0, review_interval_days="weekly"),
            row("mh", "UCR", applies="no", review_interval_days="every 3 days"),
        ]
    )
    out = pk.read_nqtls(table)
    assert out["side"].tolist() == ["mhsud", "ms", "mhsud"]
    assert out["nqtl_type"].tolist() == [
        "prior_authorization",
        "step_therapy",
        "out_of_network_rate_method",
    ]
    assert out["applies"].tolist() == [True, False, False]
    assert out["review_interval_days"].tolist()[1:] == [7.0, 3.0]
    assert out["source_row"].tolist() == [1, 2, 3]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_every_format_reads_the_same(tmp_path: Path, suffix: str) -> None:
    table = pk.sample_nqtls()
    path = tmp_path / f"n{suffix}"
    if suffix == ".csv":
        table.to_csv(path, index=False)
    elif suffix == ".parquet":
        table.to_parquet(path)
    else:
        wb = Workbook()
        write_nqtl_sheet(wb, table)
        wb.save(path)
    out = pk.read_nqtls(path)
    assert len(out) == len(table)
    assert out["applies"].tolist() == table["applies"].tolist()
    assert out["nqtl_type"].tolist() == table["nqtl_type"].tolist()
    if suffix in (".csv", ".xlsx"):
        assert out["source_row"].iloc[0] == 2  # spreadsheet row under the header


def test_xlsx_prefers_the_nqtls_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["not", "this"])
    write_nqtl_sheet(wb, pk.sample_nqtls().head(2))
    path = tmp_path / "t.xlsx"
    wb.save(path)
    out = pk.read_nqtls(path)
    assert out.attrs["sheet"] == "NQTLs" and len(out) == 2


def test_every_problem_is_reported_with_row_and_column(tmp_path: Path) -> None:
    table = pd.DataFrame(
        [
            row("mhsud", classification="inpatient_innetwork_typo"),
            row("xx", applies="maybe"),
            row("ms", "prior_authorisation", review_interval_days="-2"),
            row("ms", review_interval_days="fortnightly", applies=None),
        ]
    )
    path = tmp_path / "bad.csv"
    table.to_csv(path, index=False)
    with pytest.raises(DataValidationError) as info:
        pk.read_nqtls(path)
    problems = info.value.problems
    found = {(int(r), c) for r, c in zip(problems["row"], problems["column"], strict=True)}
    assert found == {
        (2, "classification"),
        (3, "side"),
        (3, "applies"),
        (4, "nqtl_type"),
        (4, "review_interval_days"),
        (5, "review_interval_days"),
        (5, "applies"),
    }
    assert (problems["file"] == str(path)).all()
    typo = problems[problems["column"] == "nqtl_type"].iloc[0]
    assert typo["value"] == "prior_authorisation"
    assert "prior_authorization" in typo["problem"]  # did you mean
    assert "row 4" in str(info.value)


def test_missing_and_misspelt_columns(tmp_path: Path) -> None:
    table = pair().rename(columns={"nqtl_type": "nqtl_typ"}).drop(columns=["applies"])
    with pytest.raises(DataValidationError) as info:
        pk.read_nqtls(table)
    problems = info.value.problems
    assert set(problems["column"]) == {"nqtl_type", "applies"}
    assert "nqtl_typ" in problems.loc[problems["column"] == "nqtl_type", "problem"].iloc[0]


def test_sub_classification_only_for_outpatient() -> None:
    with pytest.raises(DataValidationError) as info:
        pk.read_nqtls(pair(mh={"sub_classification": "office_visits"}))
    assert info.value.problems.loc[0, "column"] == "sub_classification"
    assert info.value.problems.loc[0, "row"] == 1


def test_duplicates_raise_or_drop() -> None:
    table = pd.concat([pair(), pair().head(1)], ignore_index=True)
    with pytest.raises(DataValidationError, match="repeats row 1"):
        pk.read_nqtls(table)
    out = pk.read_nqtls(table, duplicates="drop")
    assert len(out) == 2 and out.attrs["dropped_duplicates"] == [3]


def test_conflicting_rows_for_the_same_key() -> None:
    table = pd.concat([pair(), pair().head(1).assign(applies=False)], ignore_index=True)
    with pytest.raises(DataValidationError) as info:
        pk.read_nqtls(table)
    assert info.value.problems.loc[0, "row"] == 3
    assert "row 1" in info.value.problems.loc[0, "problem"]


def test_header_only_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(",".join(pair().columns) + "\n")
    with pytest.raises(DataValidationError, match="no data rows"):
        pk.read_nqtls(path)
    with pytest.raises(InputFileError, match="no such file"):
        pk.read_nqtls(tmp_path / "nope.csv")


def test_analysis_yaml_mapping_and_list(tmp_path: Path) -> None:
    entry = {k: v for k, v in SUFFICIENT.items() if k != "plan_id"}
    entry["factors"] = ["high cost", "variation in length of stay"]
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump({"plan_id": "P", "nqtls": [entry]}))
    out = pk.read_comparative_analysis(path)
    assert out.loc[0, "plan_id"] == "P"
    assert out.loc[0, "factors"] == "high cost; variation in length of stay"
    assert out.loc[0, "source_row"] == 1
    listed = pk.read_comparative_analysis([SUFFICIENT])
    assert listed.loc[0, "nqtl_type"] == "concurrent_review"


def test_analysis_bad_entries_name_entry_and_column(tmp_path: Path) -> None:
    bad = dict(SUFFICIENT, nqtl_type="prior authorisation")
    missing = {k: v for k, v in SUFFICIENT.items() if k != "findings_and_conclusions"}
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump([SUFFICIENT, bad]))
    with pytest.raises(DataValidationError) as info:
        pk.read_comparative_analysis(path)
    rec = info.value.problems.iloc[0]
    assert (int(rec["row"]), rec["column"], rec["file"]) == (2, "nqtl_type", str(path))
    with pytest.raises(DataValidationError) as info:
        pk.read_comparative_analysis([missing])
    assert info.value.problems.loc[0, "column"] == "findings_and_conclusions"


def test_analysis_yaml_errors(tmp_path: Path) -> None:
    path = tmp_path / "a.yml"
    path.write_text("plan_id: P\nnqtls: [unclosed\n")
    with pytest.raises(InputFileError, match="not valid YAML"):
        pk.read_comparative_analysis(path)
    path.write_text("plan_id: P\nanalyses: []\n")
    with pytest.raises(InputFileError, match="'nqtls'"):
        pk.read_comparative_analysis(path)


def test_analysis_sheet_round_trip(tmp_path: Path) -> None:
    wb = Workbook()
    write_analysis_sheet(wb, pk.sample_comparative_analysis())
    path = tmp_path / "a.xlsx"
    wb.save(path)
    out = pk.read_comparative_analysis(path)
    expected = pk.sample_comparative_analysis()
    assert out["findings_and_conclusions"].tolist() == expected["findings_and_conclusions"].tolist()
    assert out["evidentiary_standards"].iloc[1] is None

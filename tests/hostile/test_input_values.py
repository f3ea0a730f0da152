"""Hostile input: values that used to be read silently wrong are problems or notes."""

from __future__ import annotations

import pytest

import paritykit as pk

from . import input_corpus as corpus
from ._cli import error_line, run


def test_hidden_sheet_is_skipped_and_the_choice_is_said(tmp_path):
    path = corpus.hidden_benefits_sheet(tmp_path)
    with pytest.warns(pk.ParityKitWarning, match="sheet 'Benefits' is hidden and was not read"):
        benefits = pk.read_benefits(path)
    assert benefits.attrs["sheet"] == "Benefits 2026"
    assert benefits["level"].tolist() == [20.0, 20.0]  # not the hidden sheet's 50
    assert any("hidden sheet(s) ['Benefits'] skipped" in n for n in benefits.attrs["read_notes"])
    # the hidden sheet is read when it is named
    named = pk.read_benefits(path, sheet="Benefits")
    assert named["level"].tolist() == [50.0, 50.0]
    assert "it is hidden in the workbook" in named.attrs["read_notes"][0]


def test_duplicated_header_is_an_error(tmp_path):
    path = corpus.duplicated_header_csv(tmp_path)
    line = error_line(run(["qtl", path]))
    assert f"{path}: the header row (row 1) names the column 'level' twice" in line
    assert "column F" in line and "column H" in line


def test_duplicated_header_in_billing_export_is_an_error(tmp_path):
    path = corpus.duplicated_header_export(tmp_path)
    with pytest.raises(pk.InputFileError, match=r"names the column 'Charge' twice \(columns 8"):
        pk.read_billing_export(path, mapping="therapynotes_like")


def test_duplicated_header_in_claims_csv_is_an_error(tmp_path):
    path = tmp_path / "claims.csv"
    frame = corpus.claims_frame()
    frame.insert(len(frame.columns), "dup", frame["plan_id"])
    frame.to_csv(path, index=False, header=[*frame.columns[:-1], "plan_id"])
    with pytest.raises(pk.InputFileError, match="names the column 'plan_id' twice"):
        pk.scan_claims(path)


def test_decimal_comma_is_reported_not_read_as_thousands(tmp_path):
    path = corpus.decimal_comma_benefits(tmp_path)
    with pytest.raises(pk.DataValidationError) as info:
        pk.read_benefits(path)
    problems = info.value.problems
    assert problems["value"].tolist() == ["12,5", "12,5"]
    assert problems["row"].tolist() == [2, 3]
    assert (problems["problem"].str.contains("decimal comma")).all()


def test_thousands_separators_are_still_numbers(tmp_path):
    rows = [dict(r) for r in corpus.BENEFIT_ROWS]
    rows[0]["projected_payments"] = "$1,234,567.50"
    import pandas as pd

    benefits = pk.read_benefits(pd.DataFrame(rows))
    assert benefits.loc[0, "projected_payments"] == 1_234_567.5


def test_formula_without_saved_result_is_reported_with_its_cell(tmp_path):
    path = corpus.uncached_formula_workbook(tmp_path)
    with pytest.raises(pk.DataValidationError) as info:
        pk.read_benefits(path)
    assert "F2 =10*2" in str(info.value)
    record = info.value.problems.iloc[0]
    assert (record["row"], record["column"], record["value"]) == (2, "F2", "=10*2")


def test_implausible_tc_puf_count_is_reported_with_its_cell(tmp_path):
    path = corpus.tc_puf_workbook(tmp_path, claims_cell=1e308)
    with pytest.raises(pk.DataValidationError) as info:
        pk.read_tc_puf(path)
    record = info.value.problems.iloc[0]
    assert record["row"] == 4 and record["column"] == "Issuer_Claims_Received_In_Network"
    assert "implausibly large count" in record["problem"]
    # a plausible count is read as it is
    assert pk.read_tc_puf(corpus.tc_puf_workbook(tmp_path, claims_cell=5000)).issuers[
        "claims_received_in_network"
    ].tolist() == [5000.0, 1000.0]


def test_implausible_benefit_amounts_are_reported(tmp_path):
    import pandas as pd

    rows = [dict(r) for r in corpus.BENEFIT_ROWS]
    rows[0]["projected_payments"] = "1e300"
    rows[1]["level"] = "1e300"
    with pytest.raises(pk.DataValidationError) as info:
        pk.read_benefits(pd.DataFrame(rows))
    problems = info.value.problems.set_index("column")["problem"]
    assert "implausibly large" in problems["projected_payments"]
    assert "implausibly large" in problems["level"]


def test_line_numbers_must_be_positive_whole_numbers(tmp_path):
    path = corpus.line_numbers_export(tmp_path)
    export = pk.read_billing_export(path, mapping="therapynotes_like", errors="exclude")
    assert export.claims["claim_id"].tolist() == ["TN-8", "TN-9"]
    assert export.claims["line_number"].tolist() == [1, 2]
    assert export.excluded["row"].tolist() == [2, 3, 4]  # 1.5, 0 and -3: never rounded
    with pytest.raises(pk.DataValidationError) as info:
        pk.read_billing_export(path, mapping="therapynotes_like")
    message = str(info.value)
    assert "'line_number' not a whole number on 1 line(s), e.g. '1.5'" in message
    assert "'line_number' not a positive line number on 2 line(s)" in message


def test_line_number_fraction_in_parquet_is_not_rounded(tmp_path):
    path = tmp_path / "claims.parquet"
    corpus.claims_frame(line_number=1.5).astype({"line_number": "float64"}).to_parquet(path)
    checks = pk.validate_claims(pk.scan_claims(path), errors="exclude").checks.set_index("check")
    assert checks.loc["not_a_number_line_number", "lines"] == 1


def test_control_characters_are_removed_and_said(tmp_path):
    path = corpus.control_character_benefits(tmp_path)
    with pytest.warns(pk.ParityKitWarning, match=r"removed control characters .* row 2 column"):
        benefits = pk.read_benefits(path)
    assert benefits["plan_id"].tolist() == ["P1", "P1"]


def test_amount_too_large_in_billing_export_is_excluded_and_counted(tmp_path):
    path = corpus.amount_1e300_export(tmp_path)
    export = pk.read_billing_export(path, mapping="therapynotes_like", errors="exclude")
    assert export.claims["claim_id"].tolist() == ["TN-2"]
    assert export.excluded["row"].tolist() == [2]
    assert "paid_amount implausibly large" in export.excluded.loc[0, "reason"]


def test_implausible_review_interval_is_reported():
    import pandas as pd

    base = {
        "plan_id": "P",
        "classification": "inpatient_in_network",
        "nqtl_type": "concurrent_review",
        "applies": True,
        "factors": "high cost",
        "evidentiary_standards": "cost per episode above $5,000",
    }
    frame = pd.DataFrame(
        [dict(base, side="mhsud", review_interval_days=1e9), dict(base, side="ms")]
    )
    with pytest.raises(pk.DataValidationError) as info:
        pk.read_nqtls(frame)
    record = info.value.problems.iloc[0]
    assert record["column"] == "review_interval_days" and record["row"] == 1
    assert "implausibly long (more than 3,650 days)" in record["problem"]

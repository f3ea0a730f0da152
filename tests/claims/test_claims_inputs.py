"""Bad input gives a clear message; validation counts, excludes and records; column maps."""

from __future__ import annotations

import pandas as pd
import pytest

import paritykit as pk
from conftest import BASE_LINE, lines
from paritykit.errors import DataValidationError, InputFileError


def write_csv(path, frame: pd.DataFrame) -> str:
    frame.to_csv(path, index=False)
    return str(path)


def test_csv_missing_required_column(tmp_path) -> None:
    path = write_csv(tmp_path / "c.csv", lines({}).drop(columns=["service_date"]))
    with pytest.raises(
        DataValidationError, match="lacks required column\\(s\\) 'service_date'"
    ) as e:
        pk.scan_claims(path)
    assert e.value.problems.loc[0, "column"] == "service_date"
    assert "ColumnMap" in str(e.value)


def test_missing_column_suggests_the_close_header(tmp_path) -> None:
    path = write_csv(tmp_path / "c.csv", lines({}).rename(columns={"service_date": "servce_date"}))
    with pytest.raises(DataValidationError, match="did you mean 'servce_date'"):
        pk.scan_claims(path)


def test_non_date_service_date_is_counted_with_examples(tmp_path) -> None:
    path = write_csv(tmp_path / "c.csv", lines({}, {"service_date": "31/02/2024"}))
    with pytest.raises(DataValidationError, match="'service_date' not a date on 1 line") as e:
        pk.validate_claims(pk.scan_claims(path), source=path)
    assert "'31/02/2024' (claim c2 line 1)" in str(e.value)
    assert e.value.problems.loc[0, "value"] == "31/02/2024"
    result = pk.validate_claims(pk.scan_claims(path), errors="exclude", source=path)
    assert (result.total_lines, result.excluded_lines) == (2, 1)
    assert result.exclusions()[["check", "lines", "action"]].values.tolist() == [
        ["not_a_date", 1, "excluded"]
    ]
    assert result.table.count().to_pyarrow().as_py() == 1
    assert "excluded" in result.summary() and "<table" in result._repr_html_()


def test_status_with_stray_spaces_is_normalized_and_recorded(tmp_path) -> None:
    path = write_csv(tmp_path / "c.csv", lines({"status": "DENIED ", "denial_reason": "50"}))
    result = pk.validate_claims(pk.scan_claims(path))
    assert result.ok
    row = result.checks.set_index("check").loc["normalized_status"]
    assert (row["lines"], row["action"]) == (1, "normalized")
    assert result.examples.loc[0, "value"] == "DENIED "
    assert result.table.select("status").to_pandas()["status"].tolist() == ["denied"]


def test_unknown_status_and_negative_amount_and_bad_diagnosis(tmp_path) -> None:
    frame = lines({}, {"status": "pending"}, {"billed_amount": -1}, {"diagnosis_code": "F32.99X"})
    result = pk.validate_claims(pk.scan_claims(frame), errors="exclude")
    counts = result.checks.set_index("check")["lines"]
    assert counts["unknown_status"] == 1
    assert counts["negative_billed_amount"] == 1
    assert counts["invalid_diagnosis_code"] == 1
    assert result.excluded_lines == 3
    with pytest.raises(DataValidationError, match="not an ICD-10-CM code on 1 line"):
        pk.validate_claims(pk.scan_claims(frame))


def test_zero_byte_file(tmp_path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputFileError, match="is empty \\(0 bytes\\)"):
        pk.scan_claims(tmp_path / "empty.csv")


def test_parquet_with_wrong_types(tmp_path) -> None:
    frame = lines({}).assign(service_date=[20240301], billed_amount=[True])
    frame.to_parquet(tmp_path / "w.parquet", index=False)
    with pytest.raises(DataValidationError, match="wrong type") as e:
        pk.scan_claims(tmp_path / "w.parquet")
    msg = str(e.value)
    assert "'service_date' is int64 (expected a date" in msg
    assert "'billed_amount' is boolean (expected a number" in msg


def test_truncated_parquet_and_missing_file(tmp_path) -> None:
    (tmp_path / "cut.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(InputFileError, match="the Parquet file is cut short"):
        pk.scan_claims(tmp_path / "cut.parquet")
    with pytest.raises(InputFileError, match="claims file not found"):
        pk.scan_claims(tmp_path / "nope.csv")


def test_column_map_from_yaml_toml_and_mapping(tmp_path) -> None:
    frame = lines({}).rename(columns={"claim_id": "Claim Number", "status": "Line Status"})
    path = write_csv(tmp_path / "c.csv", frame)
    (tmp_path / "m.yaml").write_text("columns:\n  claim_id: Claim Number\n  status: Line Status\n")
    (tmp_path / "m.toml").write_text('claim_id = "Claim Number"\nstatus = "Line Status"\n')
    for cmap in (
        tmp_path / "m.yaml",
        tmp_path / "m.toml",
        pk.ColumnMap({"claim_id": "Claim Number", "status": "Line Status"}),
    ):
        t = pk.scan_claims(path, columns=cmap)
        assert t.select("claim_id", "status").to_pandas().values.tolist() == [["c1", "paid"]]
    with pytest.raises(pk.ConfigurationError, match="not claims contract columns"):
        pk.ColumnMap({"claimid": "x"})


def test_folder_and_glob_sources(tmp_path) -> None:
    for i in range(2):
        lines({"claim_id": f"k{i}"}).to_parquet(tmp_path / f"p{i}.parquet", index=False)
    assert pk.scan_claims(tmp_path).count().to_pyarrow().as_py() == 2
    assert pk.scan_claims(str(tmp_path / "p*.parquet")).count().to_pyarrow().as_py() == 2


def test_csv_codes_keep_leading_zeros(tmp_path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        lines({"place_of_service": "02", "revenue_code": "0450", "bill_type": "0131"}),
    )
    row = pk.scan_claims(path).to_pandas().iloc[0]
    assert (row["place_of_service"], row["revenue_code"], row["bill_type"]) == ("02", "0450", "131")
    assert set(BASE_LINE) <= set(pk.scan_claims(path).columns)

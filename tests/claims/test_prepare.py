"""`paritykit prepare`: prepared Parquet gives the very same outcomes as the raw file.

The messy file below needs every normalization step (trimming, blanks, case, aliases, code
padding, dots in diagnoses, 4-digit bill types, CARC group prefixes); the prepared file is read
without any of them, so equal summaries show the prepared file holds the normalized values.
A marker that does not match is never trusted: the file is normalized again.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from conftest import lines
from paritykit import ParityKitWarning, summarize_outcomes
from paritykit.cli import cli
from paritykit.errors import DataValidationError
from paritykit.load.claims import (
    PREPARED_KEY,
    STORED_CLASSIFICATION,
    prepared_marker,
    scan_claims,
)
from paritykit.load.prepare import prepare_claims, recorded_validation
from paritykit.validate.claims import validate_claims

BY = "plan_id,classification,place_of_service,revenue_code,status,denial_reason,network_status"


def _messy() -> pd.DataFrame:
    """Lines that each need a normalization: padding, case, aliases, blanks, prefixes."""
    spellings = [
        {"status": "DENIED ", "denial_reason": "CO-50", "diagnosis_code": "f32.9"},
        {"status": " paid", "network_status": "In-Network", "place_of_service": "2"},
        {"status": "Denial", "denial_reason": "PR:197", "network_status": "OON"},
        {"status": "denied", "denial_reason": "50", "diagnosis_code": " F41.1 "},
        {"procedure_code": None, "diagnosis_code": "", "revenue_code": "912",
         "place_of_service": "", "bill_type": "0131", "claim_type": "Institutional"},
        {"revenue_code": "450", "place_of_service": None, "claim_type": "institutional",
         "bill_type": "131", "diagnosis_code": "I10", "status": "approved"},
        {"plan_id": " plan_2 ", "prior_auth": "Not Required", "status": "PAID"},
        {"plan_id": "plan_2", "prior_auth": "DENIED", "status": "denied",
         "denial_reason": "co-15,co-16", "diagnosis_code": "F10.20"},
        {"plan_id": "plan_2", "place_of_service": "21", "network_status": "out-of-network",
         "member_id": "   ", "decision_days": "3"},
        {"plan_id": "plan_2", "claim_type": "RX", "procedure_code": "", "place_of_service": "01",
         "diagnosis_code": "F32.A"},
    ]  # fmt: skip
    return lines(*(spellings * 30))


@pytest.fixture()
def messy_csv(tmp_path: Path) -> Path:
    path = tmp_path / "messy.csv"
    _messy().to_csv(path, index=False)
    return path


def test_prepared_file_gives_identical_outcomes(messy_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "prepared.parquet"
    result = prepare_claims(messy_csv, out)
    assert result.rows == 300
    scanned = scan_claims(out)
    assert prepared_marker(scanned) is not None  # the fast path was taken
    assert not any(c.startswith("_raw_") for c in scanned.columns)  # nothing normalized again
    assert recorded_validation(scanned) is not None
    for unit in ("line", "claim"):
        raw = summarize_outcomes(messy_csv, by=BY, unit=unit)
        prepared = summarize_outcomes(out, by=BY, unit=unit)
        pd.testing.assert_frame_equal(raw, prepared)
        if unit == "line":  # 4 of the 10 spellings are denials, each line 30 times
            assert raw["denied"].sum() == 120 and raw["claim_lines"].sum() == 300
    # the normalizations counted at prepare time are the ones validate counts on the raw file
    checked = validate_claims(scan_claims(messy_csv), source=str(messy_csv))
    pd.testing.assert_frame_equal(result.validation.checks, checked.checks)
    assert (checked.checks.query("action == 'normalized'")["lines"] > 0).sum() >= 3


def test_cli_prepare_then_outcomes_same_output(messy_csv: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    prepared = tmp_path / "p.parquet"
    res = runner.invoke(cli, ["prepare", str(messy_csv), "--out", str(prepared)])
    assert res.exit_code == 0, res.output
    assert "Wrote" in res.stdout and "300 lines" in res.stdout
    assert "normalized: 150 line(s), status" in res.stderr
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    res_raw = runner.invoke(cli, ["outcomes", str(messy_csv), "--by", BY, "--out", str(a)])
    res_prep = runner.invoke(cli, ["outcomes", str(prepared), "--by", BY, "--out", str(b)])
    assert res_raw.exit_code == 0 and res_prep.exit_code == 0, res_raw.output + res_prep.output
    assert "Checked by `paritykit prepare`" in res_prep.stderr
    assert "Checked by `paritykit prepare`" not in res_raw.stderr
    assert a.read_bytes() == b.read_bytes()


def _forged(tmp_path: Path, marker: dict | str, name: str) -> Path:
    """Messy, un-normalized values in the prepared column types, with the given marker."""
    frame = _messy()
    frame["service_date"] = pd.to_datetime(frame["service_date"]).dt.date
    frame["line_number"] = frame["line_number"].astype("int64")
    for col in ("billed_amount", "allowed_amount", "paid_amount", "decision_days"):
        frame[col] = [None if pd.isna(v) else Decimal(str(v)) for v in frame[col]]
    schema = pa.schema(
        [
            (c, pa.date32() if c == "service_date" else pa.int64() if c == "line_number"
             else pa.decimal128(18, 2) if c in ("billed_amount", "allowed_amount",
                                                "paid_amount", "decision_days")
             else pa.string())
            for c in frame.columns
        ]
    )  # fmt: skip
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    text = marker if isinstance(marker, str) else json.dumps(marker)
    table = table.replace_schema_metadata({PREPARED_KEY: text})
    path = tmp_path / name
    pq.write_table(table, path)
    return path


@pytest.mark.parametrize(
    "change",
    [
        {"normalization": "sha256:0123456789abcdef0123456789abcdef"},  # another version's
        {"rows": 299},  # the row count does not match the file
        {"columns": ["claim_id"]},  # columns not the ones recorded
        "not json",
    ],
)
def test_stale_or_foreign_marker_is_normalized_again(
    messy_csv: Path, tmp_path: Path, change: dict | str
) -> None:
    good = prepare_claims(messy_csv, tmp_path / "good.parquet").marker
    # the forged file has the contract columns only: each change is the only mismatch
    contract = [c for c in good["columns"] if c not in STORED_CLASSIFICATION]
    marker = change if isinstance(change, str) else {**good, "columns": contract, **change}
    forged = _forged(tmp_path, marker, "forged.parquet")
    with pytest.warns(ParityKitWarning, match="normalizing it again"):
        scanned = scan_claims(forged)
    assert prepared_marker(scanned) is None
    assert recorded_validation(scanned) is None
    # the messy values were normalized: the same summary as the raw CSV
    with pytest.warns(ParityKitWarning):
        from_forged = summarize_outcomes(forged, by=BY)
    pd.testing.assert_frame_equal(from_forged, summarize_outcomes(messy_csv, by=BY))


def test_a_current_marker_on_messy_data_would_be_trusted_so_the_check_matters(
    messy_csv: Path, tmp_path: Path
) -> None:
    # the control for the test above: the same forged file with an unchanged marker is trusted
    good = prepare_claims(messy_csv, tmp_path / "good.parquet").marker
    # the forged file has the contract columns only (no stored classification)
    contract = [c for c in good["columns"] if c not in STORED_CLASSIFICATION]
    forged = _forged(tmp_path, {**good, "columns": contract}, "forged.parquet")
    assert prepared_marker(scan_claims(forged)) is not None


def test_plain_parquet_without_marker_is_normalized_silently(tmp_path: Path) -> None:
    path = tmp_path / "plain.parquet"
    _messy().to_parquet(path, index=False)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", ParityKitWarning)
        scanned = scan_claims(path)
    assert prepared_marker(scanned) is None
    assert "_raw_status" in scanned.columns


def test_prepare_reports_exclusions_like_validate(tmp_path: Path) -> None:
    frame = _messy()
    frame.loc[3, "service_date"] = "2024-13-45"
    frame.loc[7, "allowed_amount"] = -5.0
    frame.loc[8, "status"] = "maybe"
    src = tmp_path / "bad.csv"
    frame.to_csv(src, index=False)
    with pytest.raises(DataValidationError, match="3 of 300 line"):
        prepare_claims(src, tmp_path / "never.parquet")
    assert not (tmp_path / "never.parquet").exists()

    out = tmp_path / "p.parquet"
    result = prepare_claims(src, out, errors="exclude")
    expected = validate_claims(scan_claims(src), errors="exclude", source=str(src))
    pd.testing.assert_frame_equal(result.validation.checks, expected.checks)
    assert result.exclusions()["check"].tolist() == expected.exclusions()["check"].tolist()
    assert result.validation.excluded_lines == 3 and result.rows == 297
    assert len(expected.exclusions()) == 3
    # the recorded validation travels with the file
    recorded = recorded_validation(scan_claims(out))
    assert recorded is not None
    assert (recorded.total_lines, recorded.excluded_lines) == (300, 3)
    pd.testing.assert_frame_equal(recorded.checks, expected.checks)
    pd.testing.assert_frame_equal(
        summarize_outcomes(out, by=BY),
        summarize_outcomes(expected, by=BY),
    )
    res = CliRunner().invoke(cli, ["outcomes", str(out)])
    assert res.exit_code == 0, res.output
    assert "excluded: 1 line(s), service_date: not a date" in res.stderr
    assert "300 lines scanned, 3 excluded" in res.stderr


def test_cli_prepare_exclude_and_bad_out(tmp_path: Path) -> None:
    frame = _messy()
    frame.loc[0, "service_date"] = "not a date"
    src = tmp_path / "bad.csv"
    frame.to_csv(src, index=False)
    runner = CliRunner()
    res = runner.invoke(cli, ["prepare", str(src), "--out", str(tmp_path / "p.parquet")])
    assert res.exit_code == 1 and "--errors exclude" in res.output
    res = runner.invoke(
        cli, ["prepare", str(src), "--out", str(tmp_path / "p.parquet"), "--errors", "exclude"]
    )
    assert res.exit_code == 0, res.output
    assert "excluded: 1 line(s), service_date: not a date" in res.stderr
    assert "299 lines" in res.stdout
    res = runner.invoke(cli, ["prepare", str(src), "--out", str(tmp_path / "p.csv")])
    assert res.exit_code == 2 and ".parquet" in res.output

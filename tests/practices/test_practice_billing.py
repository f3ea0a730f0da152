"""Billing-export reading with the two example mappings, and its policies and errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paritykit import DataValidationError, InputFileError, payer_scorecard, read_billing_export
from paritykit import columns as C
from paritykit.load.billing import BILLING_CLAIM_COLUMNS, load_billing_mapping


@pytest.fixture(scope="module")
def sample(practice_year) -> pd.DataFrame:
    """200 synthetic claim lines of the practice year."""
    truth = practice_year[0].truth
    return truth.sample(200, random_state=7).sort_values([C.CLAIM_ID, C.LINE_NUMBER])


def _simplepractice_csv(lines: pd.DataFrame, path: Path) -> Path:
    out = pd.DataFrame(
        {
            "Claim ID": lines[C.CLAIM_ID],
            "Insurance Payer": lines[C.PLAN_ID],
            "Insured ID": lines[C.MEMBER_ID],
            "Date of Service": lines[C.SERVICE_DATE].dt.strftime("%m/%d/%Y"),
            "Service Code": lines[C.PROCEDURE_CODE],
            "Place of Service": lines[C.PLACE_OF_SERVICE],
            "Claim Status": lines[C.STATUS].map({"paid": "Paid", "denied": "Denied"}),
            "Adjustment Reason": lines[C.DENIAL_REASON],
            "Billed Amount": lines[C.BILLED_AMOUNT].map(lambda v: f"${v:,.2f}"),
            "Insurance Paid": lines[C.PAID_AMOUNT],
            "Insurance Paid Date": lines[C.PAYMENT_DATE].dt.strftime("%m/%d/%Y"),
            "Client First Name": "Synthetic",  # an extra column that must not be kept
        }
    )
    extra = out.iloc[:2].copy()
    extra["Claim ID"] = ["PENDING1", "PENDING2"]
    extra["Claim Status"] = ["Submitted", "Pending"]
    out = pd.concat([out, extra], ignore_index=True)
    out.to_csv(path, index=False)
    return path


def _therapynotes_csv(lines: pd.DataFrame, path: Path) -> Path:
    group = lines[C.DENIAL_GROUP_CODE].fillna("")
    reason = lines[C.DENIAL_REASON].fillna("")
    out = pd.DataFrame(
        {
            "Claim Number": lines[C.CLAIM_ID],
            "Line #": lines[C.LINE_NUMBER],
            "Payer Name": lines[C.PLAN_ID],
            "DOS": lines[C.SERVICE_DATE].dt.strftime("%Y-%m-%d"),
            "CPT": lines[C.PROCEDURE_CODE],
            "Dx 1": "F33.1",
            "Network": "In-Network",
            "Status": lines[C.STATUS].map({"paid": "Paid in Full", "denied": "Denied"}),
            "Denial Code": np.where(reason != "", group + "-" + reason, ""),
            "Charge": lines[C.BILLED_AMOUNT],
            "Allowed": lines[C.ALLOWED_AMOUNT],
            "Ins Paid": lines[C.PAID_AMOUNT],
            "ERA Date": lines[C.PAYMENT_DATE].dt.strftime("%Y-%m-%d"),
        }
    )
    out.to_csv(path, index=False, sep="\t")
    return path


def _same_as_truth(claims: pd.DataFrame, truth: pd.DataFrame) -> None:
    key = [C.CLAIM_ID, C.LINE_NUMBER]
    got = claims.sort_values(key).reset_index(drop=True)
    want = truth.sort_values(key).reset_index(drop=True)
    assert got[C.CLAIM_ID].tolist() == want[C.CLAIM_ID].tolist()
    for col in (C.PLAN_ID, C.STATUS, C.PROCEDURE_CODE):
        assert got[col].tolist() == want[col].astype(object).tolist()
    assert got[C.DENIAL_REASON].fillna("").tolist() == want[C.DENIAL_REASON].fillna("").tolist()
    np.testing.assert_allclose(got[C.BILLED_AMOUNT], want[C.BILLED_AMOUNT])
    np.testing.assert_allclose(got[C.PAID_AMOUNT], want[C.PAID_AMOUNT])
    assert (got[C.SERVICE_DATE] == want[C.SERVICE_DATE]).all()
    assert (got[C.PAYMENT_DATE] == want[C.PAYMENT_DATE]).all()


def test_simplepractice_like_export(sample, tmp_path) -> None:
    path = _simplepractice_csv(sample, tmp_path / "sp.csv")
    export = read_billing_export(path, mapping="simplepractice_like")
    assert list(export.claims.columns) == list(BILLING_CLAIM_COLUMNS)
    _same_as_truth(export.claims, sample.assign(**{C.LINE_NUMBER: 1}))
    # the policy: nothing invented where the export is silent
    assert export.claims[C.NETWORK_STATUS].isna().all()
    assert export.claims[C.ALLOWED_AMOUNT].isna().all()
    assert (export.claims[C.CLAIM_TYPE] == "professional").all()
    assert export.excluded[C.CLAIM_ID].tolist() == ["PENDING1", "PENDING2"]
    assert any("network_status" in n for n in export.notes)
    assert "Client First Name" not in export.claims.columns


def test_therapynotes_like_export(sample, tmp_path) -> None:
    path = _therapynotes_csv(sample, tmp_path / "tn.tsv")
    export = read_billing_export(path, mapping="therapynotes_like")
    _same_as_truth(export.claims, sample)
    assert set(export.claims[C.NETWORK_STATUS]) == {"in"}
    assert set(export.claims[C.DIAGNOSIS_CODE]) == {"F331"}
    paid = export.claims[C.STATUS] == "paid"
    np.testing.assert_allclose(
        export.claims.loc[paid, C.ALLOWED_AMOUNT],
        sample.sort_values([C.CLAIM_ID, C.LINE_NUMBER]).loc[
            lambda d: d[C.STATUS] == "paid", C.ALLOWED_AMOUNT
        ],
    )
    # the scorecard of the export equals the scorecard of the same lines
    card = payer_scorecard(export, by_procedure=False).payers
    direct = payer_scorecard(sample, by_procedure=False).payers
    assert card[C.DENIED].tolist() == direct[C.DENIED].tolist()


def test_network_status_per_payer(sample, tmp_path) -> None:
    path = _simplepractice_csv(sample, tmp_path / "sp.csv")
    payers = sorted(sample[C.PLAN_ID].unique())
    nets = {p: ("out" if i == 0 else "in") for i, p in enumerate(payers)}
    export = read_billing_export(path, mapping="simplepractice_like", network_status=nets)
    got = export.claims.groupby(C.PLAN_ID)[C.NETWORK_STATUS].unique()
    assert {p: list(v) for p, v in got.items()} == {p: [s] for p, s in nets.items()}


def test_mapping_from_a_dict_and_headers_by_name(tmp_path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text(
        "Claim ID,Plan ID,Service Date,Status,Billed Amount,Payment Date\n"
        "X1,P,2024-01-02,DENIED ,100,2024-01-20\n"
        "X2,P,2024-01-03,paid,100,2024-01-20\n"
    )
    export = read_billing_export(path)
    assert export.claims[C.STATUS].tolist() == ["denied", "paid"]
    assert export.claims[C.LINE_NUMBER].tolist() == [1, 1]
    m = load_billing_mapping({"claim_id": "Claim ID", "payment_date": "Payment Date"})
    assert m.extra_columns == {"payment_date": "Payment Date"}


def test_errors_name_the_file_and_what_to_do(sample, tmp_path) -> None:
    path = _simplepractice_csv(sample, tmp_path / "sp.csv")
    with pytest.raises(InputFileError, match="Claim Number"):
        read_billing_export(path, mapping="therapynotes_like")
    with pytest.raises(InputFileError, match="neither a bundled mapping"):
        read_billing_export(path, mapping="no_such_mapping")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty"):
        read_billing_export(empty, mapping="simplepractice_like")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Claim ID,Insurance Payer,Date of Service,Claim Status,Billed Amount\n"
        "B1,P,02/30/2024,Paid,100\n"
        "B2,P,03/01/2024,Paid,lots\n"
        "B3,P,03/02/2024,Paid,100\n"
    )
    with pytest.raises(DataValidationError, match="not a date") as info:
        read_billing_export(bad, mapping="simplepractice_like")
    assert "B1" in str(info.value)
    kept = read_billing_export(bad, mapping="simplepractice_like", errors="exclude")
    assert kept.claims[C.CLAIM_ID].tolist() == ["B3"]
    assert kept.excluded["row"].tolist() == [2, 3]

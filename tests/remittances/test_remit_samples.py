"""The four real 835 samples read to exactly the values in tests/data/public/SOURCES.md."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from paritykit import columns as C
from paritykit import read_835

SAMPLES = (
    "linuxforhealth_managed-care.835",
    "linuxforhealth_medicare-part-a.835",
    "linuxforhealth_secondary-payment.835",
    "pyx12_835_mult_loops.835",
)

# From the README table: claim -> (file, CLP02, charge, paid, [(level, group, carc, amount)]);
# level "claim" for claim-level CAS, "line" for service-line CAS.
EXPECTED = {
    "5554555444": (
        "linuxforhealth_managed-care.835", "1", 800.00, 450.00,
        [("claim", "CO", "A2", 50.00), ("line", "PR", "1", 300.00)],
    ),
    "8765432112": (
        "linuxforhealth_managed-care.835", "1", 1200.00, 495.00,
        [("claim", "CO", "A2", 55.00), ("line", "PR", "1", 600.00), ("line", "CO", "45", 50.00)],
    ),
    "666123": (
        "linuxforhealth_medicare-part-a.835", "1", 211366.97, 138018.40,
        [("claim", "CO", "45", 73348.57)],
    ),
    "777777": (
        "linuxforhealth_medicare-part-a.835", "1", 15000.00, 11980.33,
        [("claim", "CO", "45", 3019.67)],
    ),
    "L0004828311": (
        "linuxforhealth_secondary-payment.835", "2", 10323.64, 912.00,
        [("claim", "OA", "23", 9411.64)],
    ),
    "0001000053": (
        "linuxforhealth_secondary-payment.835", "2", 751.50, 310.00,
        [
            ("line", "OA", "23", 136.50),
            ("line", "PR", "1", 150.00),
            ("line", "PR", "2", 70.00),
            ("line", "CO", "42", 85.00),
        ],
    ),
    "2005555A": (
        "pyx12_835_mult_loops.835", "4", 915.39, 0.00,
        [("line", "CO", "16", 500.04), ("line", "OA", "A7", 127.80), ("line", "OA", "A7", 287.55)],
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def samples(public_data: Path):
    return read_835([public_data / "x12" / name for name in SAMPLES])


def test_every_claim_of_the_readme_and_no_other(samples) -> None:
    assert set(samples.claims[C.CLAIM_ID]) == set(EXPECTED)
    assert samples.problems[samples.problems[C.ACTION] == "excluded"].empty


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_claim_header_values(samples, claim_id: str) -> None:
    file, status, charge, paid, _ = EXPECTED[claim_id]
    rows = samples.claims[samples.claims[C.CLAIM_ID] == claim_id]
    assert rows[C.SOURCE_FILE].map(lambda p: Path(p).name).unique().tolist() == [file]
    assert rows[C.CLAIM_STATUS_CODE].unique().tolist() == [status]
    assert rows[C.CLAIM_BILLED_AMOUNT].unique().tolist() == [pytest.approx(charge, abs=1e-9)]
    assert rows[C.CLAIM_PAID_AMOUNT].unique().tolist() == [pytest.approx(paid, abs=1e-9)]


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_adjustments_exactly(samples, claim_id: str) -> None:
    *_, adjustments = EXPECTED[claim_id]
    adj = samples.adjustments[samples.adjustments[C.CLAIM_ID] == claim_id]
    got = sorted(
        (
            "claim" if pd.isna(r[C.LINE_NUMBER]) else "line",
            r[C.GROUP_CODE],
            r[C.CARC],
            round(r[C.ADJUSTMENT_AMOUNT], 2),
        )
        for _, r in adj.iterrows()
    )
    assert got == sorted(adjustments)


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_every_sample_claim_balances(samples, claim_id: str) -> None:
    _, _, charge, paid, adjustments = EXPECTED[claim_id]
    assert round(charge - paid, 2) == round(sum(a[3] for a in adjustments), 2)
    adj = samples.adjustments[samples.adjustments[C.CLAIM_ID] == claim_id]
    assert round(adj[C.ADJUSTMENT_AMOUNT].sum(), 2) == round(charge - paid, 2)


def test_pr1_and_pr2_in_one_cas_segment_are_two_rows(samples) -> None:
    adj = samples.adjustments
    both = adj[(adj[C.CLAIM_ID] == "0001000053") & (adj[C.GROUP_CODE] == "PR")]
    assert both[C.SEGMENT_NUMBER].nunique() == 1
    assert sorted(both[C.CARC]) == ["1", "2"]


def test_foreign_component_separator_is_read_and_noted(samples) -> None:
    lines = samples.claims[samples.claims[C.CLAIM_ID] == "0001000053"]
    assert lines[C.PROCEDURE_CODE].tolist() == ["12345", "66543"]
    assert lines[C.PROCEDURE_MODIFIERS].tolist() == ["26", "26"]
    notes = samples.problems[samples.problems["column"] == "SVC01"]
    assert len(notes) == 2
    assert set(notes[C.ACTION]) == {"kept"}
    assert notes["problem"].str.contains("'>'").all()


def test_denied_claim_lines_and_their_reasons(samples) -> None:
    lines = samples.claims[samples.claims[C.CLAIM_ID] == "2005555A"].sort_values(C.LINE_NUMBER)
    assert lines[C.STATUS].tolist() == ["denied"] * 3
    assert lines[C.DENIAL_REASON].tolist() == ["16", "A7", "A7"]
    assert lines[C.DENIAL_GROUP_CODE].tolist() == ["CO", "OA", "OA"]
    assert lines[C.PROCEDURE_CODE].tolist() == ["T1005"] * 3
    assert lines[C.BILLED_AMOUNT].round(2).tolist() == [500.04, 127.80, 287.55]


def test_paid_claims_have_no_denial_reason(samples) -> None:
    paid = samples.claims[samples.claims[C.CLAIM_ID] != "2005555A"]
    assert (paid[C.STATUS] == "paid").all()
    assert paid[C.DENIAL_REASON].isna().all()


def test_payer_service_dates_and_allowed(samples) -> None:
    c = samples.claims.set_index([C.CLAIM_ID, C.LINE_NUMBER])
    assert c.loc[("5554555444", 1), C.PLAN_ID] == "RUSHMORE LIFE"
    # line DTM*150 (service period start) when no DTM*472
    assert c.loc[("5554555444", 1), C.SERVICE_DATE] == pd.Timestamp("2002-03-01")
    # claim DTM*232 when the claim has no service lines
    assert c.loc[("666123", 1), C.SERVICE_DATE] == pd.Timestamp("2002-08-16")
    assert c.loc[("0001000053", 2), C.SERVICE_DATE] == pd.Timestamp("2005-01-06")
    assert c.loc[("0001000053", 1), C.ALLOWED_AMOUNT] == 150.0
    assert c.loc[("0001000053", 2), C.ALLOWED_AMOUNT] == 500.0
    assert pd.isna(c.loc[("5554555444", 1), C.ALLOWED_AMOUNT])


def test_claim_types(samples) -> None:
    types = samples.claims.groupby(C.CLAIM_ID)[C.CLAIM_TYPE].first()
    assert types["666123"] == "institutional"  # MIA segment and filing indicator MA
    assert samples.claims.set_index(C.CLAIM_ID).loc["666123", C.BILL_TYPE] == "111"
    assert types["0001000053"] == "professional"
    assert types["5554555444"] == "professional"


def test_provider_level_adjustment_is_kept_apart(samples) -> None:
    plb = samples.provider_adjustments
    assert len(plb) == 1
    row = plb.iloc[0]
    assert (row[C.ADJUSTMENT_REASON], row[C.REFERENCE_ID]) == ("CV", "CP")
    assert row[C.ADJUSTMENT_AMOUNT] == pytest.approx(-1.27)
    # each transaction's BPR02 equals claim payments minus provider adjustments: no note
    assert not samples.problems["column"].eq("BPR02").any()


def test_invalid_payment_date_is_missing_and_noted(samples) -> None:
    managed = samples.claims[samples.claims[C.CLAIM_ID] == "5554555444"]
    assert managed[C.PAYMENT_DATE].isna().all()
    note = samples.problems[samples.problems["column"] == "BPR16"]
    assert note["value"].tolist() == ["20002316"]
    other = samples.claims[samples.claims[C.CLAIM_ID] == "2005555A"]
    assert (other[C.PAYMENT_DATE] == pd.Timestamp("2004-10-28")).all()


def test_summary_and_frame(samples) -> None:
    assert "10" in samples.summary()
    frame = samples.to_frame()
    assert list(frame.columns[: len(C.CLAIMS_COLUMNS)]) == list(C.CLAIMS_COLUMNS)
    assert "<table" in samples._repr_html_()

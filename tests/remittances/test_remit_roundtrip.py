"""A synthetic practice year written as 835 files reads back to the generated truth."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paritykit import classify_carc, read_835, synthetic_remittances, write_835
from paritykit import columns as C
from paritykit.synth.remittances import write_practice_year

KEY = [C.CLAIM_ID, C.LINE_NUMBER]


def _compare(parsed: pd.DataFrame, truth: pd.DataFrame) -> None:
    cols = list(truth.columns)
    got = parsed[cols].sort_values(KEY).reset_index(drop=True)
    want = truth[cols].sort_values(KEY).reset_index(drop=True)
    got[C.LINE_NUMBER] = got[C.LINE_NUMBER].astype("int64")
    want[C.LINE_NUMBER] = want[C.LINE_NUMBER].astype("int64")
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    remits = synthetic_remittances(claims=2000, seed=20240101)
    folder = tmp_path_factory.mktemp("practice_year")
    files = write_practice_year(remits, folder)
    return remits, files, read_835(files)


def test_practice_year_round_trips(year) -> None:
    remits, _files, parsed = year
    _compare(parsed.claims, remits.truth)


def test_practice_year_is_what_was_asked_for(year) -> None:
    remits, files, parsed = year
    truth = remits.truth
    assert truth[C.CLAIM_ID].nunique() == 2000
    assert set(truth[C.PROCEDURE_CODE]) == {"90791", "90834", "90837", "90847", "H0015"}
    assert truth[C.PLAN_ID].nunique() == 4
    assert {"50", "197"} <= set(truth[C.DENIAL_REASON].dropna())
    assert len(files) >= 8  # four payers, several quarters each
    assert parsed.problems.empty


def test_reversals_are_cancelled_not_double_counted(year) -> None:
    remits, _files, parsed = year
    events = remits.events
    n_reversed = events.loc[events[C.CLAIM_STATUS_CODE] == "22", C.CLAIM_ID].nunique()
    assert n_reversed > 0
    assert len(parsed.reversals) == n_reversed
    assert parsed.reversals[C.MATCHED].all()
    assert parsed.claims[C.PAID_AMOUNT].sum() == pytest.approx(remits.truth[C.PAID_AMOUNT].sum())


def test_every_claim_balances_in_the_adjustments(year) -> None:
    _remits, _files, parsed = year
    claims = parsed.claims.groupby(C.CLAIM_ID)[[C.BILLED_AMOUNT, C.PAID_AMOUNT]].sum()
    adjusted = parsed.adjustments.groupby(C.CLAIM_ID)[C.ADJUSTMENT_AMOUNT].sum()
    diff = (claims[C.BILLED_AMOUNT] - claims[C.PAID_AMOUNT]).round(2)
    pd.testing.assert_series_equal(
        diff.sort_index(), adjusted.round(2).reindex(diff.index).fillna(0.0), check_names=False
    )


def test_denial_categories_of_the_year(year) -> None:
    _remits, _files, parsed = year
    denied = classify_carc(parsed.claims[parsed.claims[C.STATUS] == "denied"])
    assert denied[C.CARC_CATEGORY].notna().all()
    assert not (denied[C.CARC_CATEGORY] == "unknown").any()
    # SAMPLE HEALTH INSURANCE denies mostly for medical necessity (CO-50) by construction
    sample = denied[denied[C.PLAN_ID] == "SAMPLE HEALTH INSURANCE"]
    assert sample[C.CARC_CATEGORY].value_counts().idxmax() == "medical_necessity"


separators = st.lists(st.sampled_from(list("*|+!:^>~'\\{}")), min_size=4, max_size=4, unique=True)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seps=separators,
    line_breaks=st.booleans(),
    per_payment=st.booleans(),
    seed=st.integers(0, 10_000),
)
def test_any_separators_round_trip(tmp_path: Path, seps, line_breaks, per_payment, seed) -> None:
    remits = synthetic_remittances(claims=25, seed=seed, reversal_rate=0.2)
    path = write_835(
        remits.events,
        tmp_path / f"r{seed}.835",
        element_separator=seps[0],
        component_separator=seps[1],
        segment_terminator=seps[2],
        repetition_separator=seps[3],
        line_breaks=line_breaks,
        interchanges="per_payment" if per_payment else "one",
    )
    _compare(read_835(path).claims, remits.truth)


def test_same_seed_same_events() -> None:
    a = synthetic_remittances(claims=50, seed=5)
    b = synthetic_remittances(claims=50, seed=5)
    pd.testing.assert_frame_equal(a.events, b.events)
    assert "synthetic remittances" in a.summary()

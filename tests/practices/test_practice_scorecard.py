"""Payer scorecard: the practice-year round trip and values checked against independent sums."""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from paritykit import DataValidationError, payer_scorecard
from paritykit import columns as C
from paritykit.analysis.payers import DENIAL_CATEGORY_COLUMNS, SCORECARD_COLUMNS


def _carc_categories() -> dict[str, str]:
    """code -> category read straight from the package CSV (not through classify_carc)."""
    text = (resources.files("paritykit") / "data" / "carc_categories.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {r["carc"]: r["category"] for r in rows}


@pytest.fixture(scope="module")
def card(practice_year):
    _remits, _folder, parsed = practice_year
    return payer_scorecard(parsed)


def test_generated_truth_equals_parsed_and_scored_counts(practice_year, card) -> None:
    remits, _folder, _parsed = practice_year
    truth = remits.truth
    want = (
        truth.assign(denied=truth[C.STATUS] == "denied")
        .groupby(C.PLAN_ID)
        .agg(
            claims=(C.CLAIM_ID, "nunique"),
            claim_lines=(C.CLAIM_ID, "size"),
            denied=("denied", "sum"),
        )
        .reset_index()
    )
    got = card.payers[[C.PLAN_ID, C.CLAIMS, C.CLAIM_LINES, C.DENIED, C.DENIAL_RATE]]
    assert got[C.PLAN_ID].tolist() == want[C.PLAN_ID].tolist()
    assert got[C.CLAIMS].tolist() == want["claims"].tolist()
    assert got[C.CLAIM_LINES].tolist() == want["claim_lines"].tolist()
    assert got[C.DENIED].tolist() == want["denied"].astype(int).tolist()
    np.testing.assert_allclose(got[C.DENIAL_RATE], want["denied"] / want["claim_lines"], rtol=1e-12)
    pooled = card.table[card.table[C.GROUPING] == "all_payers"].iloc[0]
    assert pooled[C.CLAIM_LINES] == len(truth)
    assert pooled[C.CLAIMS] == 2000


def test_per_procedure_counts_and_paid_per_session_match_truth(practice_year, card) -> None:
    truth = practice_year[0].truth
    procs = card.procedures.set_index([C.PLAN_ID, C.PROCEDURE_CODE])
    lines = truth.groupby([C.PLAN_ID, C.PROCEDURE_CODE]).size()
    denied = truth[truth[C.STATUS] == "denied"].groupby([C.PLAN_ID, C.PROCEDURE_CODE]).size()
    paid = truth[truth[C.STATUS] == "paid"].groupby([C.PLAN_ID, C.PROCEDURE_CODE])[C.PAID_AMOUNT]
    assert sorted(procs.index) == sorted(lines.index)
    for key, n in lines.items():
        assert procs.loc[key, C.CLAIM_LINES] == n
        assert procs.loc[key, C.DENIED] == denied.get(key, 0)
    np.testing.assert_allclose(
        procs.loc[paid.median().index, C.PAID_AMOUNT_MEDIAN], paid.median(), rtol=1e-12
    )
    np.testing.assert_allclose(
        procs.loc[paid.mean().index, C.PAID_AMOUNT_MEAN], paid.mean(), rtol=1e-12
    )
    days = (truth[C.PAYMENT_DATE] - truth[C.SERVICE_DATE]).dt.days
    want_days = days[truth[C.STATUS] == "paid"].groupby(truth[C.PLAN_ID]).median()
    got_days = card.payers.set_index(C.PLAN_ID)[C.DAYS_TO_PAYMENT_MEDIAN]
    np.testing.assert_allclose(got_days.loc[want_days.index], want_days)


def test_main_psychotherapy_codes_come_first(card) -> None:
    for _, rows in card.procedures.groupby(C.PLAN_ID, sort=False):
        assert rows[C.PROCEDURE_CODE].tolist()[:4] == ["90791", "90834", "90837", "90847"]


def test_denials_by_category_match_the_carc_csv(practice_year, card) -> None:
    truth = practice_year[0].truth
    categories = _carc_categories()
    denied = truth[truth[C.STATUS] == "denied"]
    want = (
        denied.assign(cat=denied[C.DENIAL_REASON].map(categories))
        .groupby([C.PLAN_ID, "cat"])
        .size()
    )
    payers = card.payers.set_index(C.PLAN_ID)
    for (plan, cat), n in want.items():
        assert payers.loc[plan, C.DENIED_PREFIX + cat] == n
    # every denied line is in exactly one category column
    assert (payers[list(DENIAL_CATEGORY_COLUMNS)].sum(axis=1) == payers[C.DENIED]).all()


def test_the_high_denial_payer_is_flagged(card) -> None:
    payers = card.payers.set_index(C.PLAN_ID)
    # SAMPLE HEALTH INSURANCE is generated with an 18% claim denial rate against 4-12%
    assert bool(payers.loc["SAMPLE HEALTH INSURANCE", C.FLAGGED])
    assert not bool(payers.loc["TEST MUTUAL", C.FLAGGED])
    assert list(card.table.columns) == list(SCORECARD_COLUMNS)


def _two_payers(k1: int, n1: int, k2: int, n2: int) -> pd.DataFrame:
    rows = []
    for plan, k, n in (("A", k1, n1), ("B", k2, n2)):
        rows += [
            {C.CLAIM_ID: f"{plan}{i}", C.PLAN_ID: plan, C.STATUS: "denied" if i < k else "paid"}
            for i in range(n)
        ]
    return pd.DataFrame(rows)


def test_comparison_against_scipy_and_R_values() -> None:
    card = payer_scorecard(_two_payers(142, 1000, 81, 1000), by_procedure=False)
    a = card.payers.set_index(C.PLAN_ID).loc["A"]
    chi2, p, _, _ = stats.chi2_contingency([[142, 858], [81, 919]], correction=False)
    assert a[C.P_VALUE] == pytest.approx(p, rel=1e-9)
    assert a[C.RATE_RATIO] == pytest.approx(142 / 81, rel=1e-12)
    # Katz interval: exp(log RR +- 1.96 * sqrt(1/a - 1/n1 + 1/c - 1/n2))
    se = np.sqrt(1 / 142 - 1 / 1000 + 1 / 81 - 1 / 1000)
    z = stats.norm.ppf(0.975)
    assert a[C.RATE_RATIO_LOW] == pytest.approx(142 / 81 * np.exp(-z * se), rel=1e-9)
    assert a[C.OTHER_PAYERS_DENIED] == 81 and a[C.OTHER_PAYERS_CLAIM_LINES] == 1000
    assert bool(a[C.FLAGGED])
    assert chi2 > 0


def test_wilson_interval_against_R_prop_test() -> None:
    # R: prop.test(81, 263, correct = FALSE)$conf.int -> 0.2553, 0.3662 (4 decimals)
    card = payer_scorecard(_two_payers(81, 263, 10, 300), by_procedure=False)
    a = card.payers.set_index(C.PLAN_ID).loc["A"]
    assert a[C.DENIAL_RATE_LOW] == pytest.approx(0.2553, abs=5e-5)
    assert a[C.DENIAL_RATE_HIGH] == pytest.approx(0.3662, abs=5e-5)


def test_one_payer_gives_no_comparison_with_a_reason() -> None:
    frame = _two_payers(5, 50, 0, 0)
    card = payer_scorecard(frame, by_procedure=False)
    row = card.payers.iloc[0]
    assert np.isnan(row[C.P_VALUE]) and not row[C.FLAGGED]
    assert "no lines for the other payers" in row[C.NOTE]


def test_bad_input_is_refused_with_the_row() -> None:
    frame = _two_payers(1, 3, 1, 3)
    frame.loc[2, C.STATUS] = "pending"
    with pytest.raises(DataValidationError, match=r"status = .pending.") as info:
        payer_scorecard(frame)
    assert info.value.problems["row"].tolist() == [2]
    with pytest.raises(DataValidationError, match="plan_id"):
        payer_scorecard(frame.drop(columns=[C.PLAN_ID]))

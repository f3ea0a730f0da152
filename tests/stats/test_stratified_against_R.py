"""CMH, Mantel-Haenszel ratios and Breslow-Day against R (mantelhaen.test, textbook formulas).

Tolerance 1e-9 relative: R prints 17 digits of closed forms (no iteration involved).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.contingency_tables import StratifiedTable

from paritykit import stratified_test
from paritykit.errors import DataValidationError
from paritykit.stats import breslow_day, cmh, mantel_haenszel_risk_ratio


def _tables(strata_tables: pd.DataFrame, name: str) -> np.ndarray:
    part = strata_tables[strata_tables["dataset"] == name].sort_values("stratum")
    return part[["a", "b", "c", "d"]].to_numpy().reshape(-1, 2, 2)


@pytest.mark.parametrize("name", ["rabbits", "ucb", "simpson"])
@pytest.mark.parametrize("correct", [True, False])
def test_cmh_against_R_mantelhaen_test(name, correct, strata_tables, r_tables):
    r = cmh(_tables(strata_tables, name), correction=correct)
    case = f"cmh_{name}_{'corrected' if correct else 'plain'}"
    assert r.statistic == pytest.approx(r_tables(case, "statistic"), rel=1e-9)
    assert r.p_value == pytest.approx(r_tables(case, "p_value"), rel=1e-9)
    assert r.odds_ratio == pytest.approx(r_tables(case, "estimate"), rel=1e-9)
    assert r.odds_ratio_low == pytest.approx(r_tables(case, "low"), rel=1e-9)
    assert r.odds_ratio_high == pytest.approx(r_tables(case, "high"), rel=1e-9)


def test_cmh_rabbits_published_values(strata_tables):
    # ?mantelhaen.test, Rabbits: "Mantel-Haenszel X-squared = 3.9286, df = 1, p-value = 0.04747".
    r = cmh(_tables(strata_tables, "rabbits"))
    assert r.statistic == pytest.approx(3.9286, abs=5e-5)
    assert r.p_value == pytest.approx(0.04747, abs=5e-6)
    # The first stratum has no cured rabbits and the last none that died: both dropped.
    assert r.n_strata == 5 and r.n_strata_used == 3
    assert "2 of 5 strata dropped" in r.note


@pytest.mark.parametrize("name", ["ucb", "simpson"])
@pytest.mark.parametrize("tarone", [True, False])
def test_breslow_day_against_R_formula(name, tarone, strata_tables, r_tables):
    r = breslow_day(_tables(strata_tables, name), tarone=tarone)
    case = f"breslow_day_{name}_{'tarone' if tarone else 'plain'}"
    assert r.statistic == pytest.approx(r_tables(case, "statistic"), rel=1e-9)
    assert r.df == r_tables(case, "df")
    assert r.p_value == pytest.approx(r_tables(case, "p_value"), rel=1e-8)


def test_breslow_day_ucb_published_value(strata_tables):
    # Agresti (2002), Categorical Data Analysis, 2nd ed., section 6.3: UC Berkeley
    # admissions, Breslow-Day statistic 18.83 on 5 df (p = 0.002).
    r = breslow_day(_tables(strata_tables, "ucb"))
    assert r.statistic == pytest.approx(18.83, abs=0.005)
    assert r.df == 5 and r.p_value == pytest.approx(0.002, abs=5e-4)


def test_breslow_day_agrees_with_statsmodels(strata_tables):
    t = _tables(strata_tables, "ucb")
    st = StratifiedTable(np.moveaxis(t, 0, 2).astype(float))
    for tarone in (True, False):
        ours = breslow_day(t, tarone=tarone)
        theirs = st.test_equal_odds(adjust=tarone)
        assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-6)


@pytest.mark.parametrize("name", ["ucb", "simpson"])
def test_mh_risk_ratio_against_R_formula(name, strata_tables, r_tables):
    est, low, high = mantel_haenszel_risk_ratio(_tables(strata_tables, name))
    assert est == pytest.approx(r_tables(f"mh_rr_{name}", "estimate"), rel=1e-9)
    assert low == pytest.approx(r_tables(f"mh_rr_{name}", "low"), rel=1e-9)
    assert high == pytest.approx(r_tables(f"mh_rr_{name}", "high"), rel=1e-9)


def test_cmh_rejects_r_layout_with_hint():
    with pytest.raises(DataValidationError, match="moveaxis"):
        cmh(np.ones((2, 2, 5)))


def _summary_from_tables(t: np.ndarray) -> pd.DataFrame:
    rows = []
    for k, table in enumerate(t):
        (a, b), (c, d) = table
        rows.append({"plan_id": f"P{k}", "side": "mhsud", "denied": a, "claims": a + b})
        rows.append({"plan_id": f"P{k}", "side": "ms", "denied": c, "claims": c + d})
    return pd.DataFrame(rows)


def test_stratified_test_flags_simpsons_paradox(strata_tables, r_tables):
    t = _tables(strata_tables, "simpson")
    r = stratified_test(_summary_from_tables(t), strata="plan_id")
    assert r.mh_odds_ratio == pytest.approx(r_tables("cmh_simpson_corrected", "estimate"), rel=1e-9)
    assert r.cmh_uncorrected.p_value == pytest.approx(
        r_tables("cmh_simpson_plain", "p_value"), rel=1e-9
    )
    # Crude MH/SUD rate 120/1100 vs M/S 210/1000: lower, yet higher within each plan.
    assert r.crude.odds_ratio < 1 < r.mh_odds_ratio
    assert r.direction_reversed
    assert "Simpson" in r.sentence()
    frame = r.to_frame()
    assert list(frame.columns) == [
        "measure",
        "estimate",
        "low",
        "high",
        "statistic",
        "df",
        "p_value",
        "method",
    ]
    assert set(frame["measure"]) >= {"crude_odds_ratio", "mh_odds_ratio", "breslow_day"}


def test_stratified_test_single_stratum_equals_crude():
    s = pd.DataFrame({"plan_id": ["A", "A"], "side": ["mhsud", "ms"],
                      "denied": [30, 20], "claims": [100, 100]})  # fmt: skip
    r = stratified_test(s, strata="plan_id")
    assert r.mh_odds_ratio == pytest.approx(r.crude.odds_ratio)
    # With one stratum, CMH (uncorrected) is (N - 1)/N times Pearson's chi-square.
    assert r.cmh_uncorrected.statistic == pytest.approx(r.crude.statistic * 199 / 200)
    assert math.isnan(r.breslow_day.p_value)
    assert "single stratum" in r.note
    assert not r.direction_reversed


def test_stratified_test_drops_uninformative_strata():
    s = pd.DataFrame({"plan_id": ["A", "A", "B", "B", "C"],
                      "side": ["mhsud", "ms", "mhsud", "ms", "ms"],
                      "denied": [30, 20, 10, 5, 3], "claims": [100, 100, 50, 60, 40]})  # fmt: skip
    r = stratified_test(s, strata="plan_id")
    assert r.n_strata == 3 and r.n_strata_used == 2
    assert "dropped" in r.note
    assert bool(r.strata.set_index("plan_id").loc["C", "used"]) is False

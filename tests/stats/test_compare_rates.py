"""compare_rates: values against R, test choice, edge cases, multiple comparisons, power."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from paritykit import columns as col
from paritykit import compare_rates
from paritykit.errors import ConfigurationError, DataValidationError
from paritykit.stats import RATE_COLUMNS, adjust_p_values, detectable_ratio
from paritykit.stats.power import power_two_proportions


def _summary(rows):
    """rows: (plan, classification, mhsud_denied, mhsud_claims, ms_denied, ms_claims)."""
    out = []
    for plan, cls, k1, n1, k2, n2 in rows:
        out.append({"plan_id": plan, "classification": cls, "side": "mhsud",
                    "denied": k1, "claims": n1, "prior_auth_requests": n1})  # fmt: skip
        out.append({"plan_id": plan, "classification": cls, "side": "ms",
                    "denied": k2, "claims": n2, "prior_auth_requests": n2})  # fmt: skip
    return pd.DataFrame(out)


def test_columns_and_order():
    t = compare_rates(_summary([("P1", "emergency", 30, 200, 20, 250)]))
    assert list(t.columns) == ["plan_id", "classification", *RATE_COLUMNS]


def test_large_cell_uses_chi_square_matching_R(r_tables):
    t = compare_rates(_summary([("P1", "outpatient_in_network", 120, 1000, 80, 1000)]))
    row = t.iloc[0]
    assert row[col.TEST].startswith("pearson_chi_square")
    assert row[col.P_VALUE] == pytest.approx(r_tables("prop_120_1000_80_1000_plain", "p_value"),
                                             rel=1e-9)  # fmt: skip
    assert row[col.STATISTIC] == pytest.approx(
        r_tables("prop_120_1000_80_1000_plain", "statistic"), rel=1e-9
    )
    assert row[col.RATE_RATIO] == pytest.approx(1.5)
    assert row[col.FLAGGED]


def test_small_cell_uses_fisher_matching_R(r_tables):
    # Tea tasting (?fisher.test): 3/4 vs 1/4 has expected counts of 2.
    t = compare_rates(_summary([("P1", "emergency", 3, 4, 1, 4)]))
    row = t.iloc[0]
    case = "fisher_tea_two.sided"
    assert row[col.TEST].startswith("fisher_exact")
    assert math.isnan(row[col.STATISTIC])
    assert row[col.P_VALUE] == pytest.approx(r_tables(case, "p_value"), rel=1e-9)
    assert row[col.ODDS_RATIO] == pytest.approx(r_tables(case, "estimate"), rel=1e-8)
    assert row[col.ODDS_RATIO_LOW] == pytest.approx(r_tables(case, "low"), rel=1e-8)
    assert row[col.ODDS_RATIO_HIGH] == pytest.approx(r_tables(case, "high"), rel=1e-8)
    assert not row[col.FLAGGED]  # higher MH/SUD rate, but p = 0.49


def test_lower_mhsud_rate_never_flagged(r_tables):
    # Convictions (?fisher.test) as 2/17 vs 10/13: significant, but MH/SUD fares better.
    t = compare_rates(_summary([("P1", "emergency", 2, 17, 10, 13)]), method="fisher_exact")
    row = t.iloc[0]
    assert row[col.TEST] == "fisher_exact (requested)"
    assert row[col.P_VALUE] == pytest.approx(
        r_tables("fisher_convictions_two.sided", "p_value"), rel=1e-9
    )
    assert row[col.P_ADJUSTED] < 0.05 and not row[col.FLAGGED]


def test_rate_difference_is_newcombe(r_tables):
    t = compare_rates(_summary([("P1", "emergency", 56, 70, 48, 80)]))
    row = t.iloc[0]
    assert row[col.RATE_DIFFERENCE_LOW] == pytest.approx(
        r_tables("newcombe_56_70_48_80", "low"), rel=1e-9
    )
    assert row[col.RATE_DIFFERENCE_HIGH] == pytest.approx(
        r_tables("newcombe_56_70_48_80", "high"), rel=1e-9
    )


def test_edge_cases_are_nan_with_reasons():
    t = compare_rates(
        _summary([
            ("P1", "a_zero_ms_events", 8, 400, 0, 400),
            ("P1", "b_zero_mhsud_trials", 0, 0, 5, 100),
            ("P1", "c_all_events", 10, 10, 20, 20),
            ("P1", "d_no_events", 0, 50, 0, 60),
            ("P1", "e_zero_mhsud_events", 0, 300, 9, 300),
        ])
    ).set_index("classification")  # fmt: skip
    zero_ms = t.loc["a_zero_ms_events"]
    assert math.isnan(zero_ms[col.RATE_RATIO]) and "no M/S denied" in zero_ms[col.NOTE]
    assert zero_ms[col.P_VALUE] < 0.05  # still tested, exactly
    assert zero_ms[col.ODDS_RATIO] == math.inf  # conditional MLE at the boundary, as R
    no_trials = t.loc["b_zero_mhsud_trials"]
    assert math.isnan(no_trials[col.P_VALUE]) and "no MH/SUD claims" in no_trials[col.NOTE]
    assert math.isnan(no_trials[col.MHSUD_RATE]) and no_trials[col.TEST] == "not tested"
    all_events = t.loc["c_all_events"]
    assert math.isnan(all_events[col.P_VALUE]) and "every claims row" in all_events[col.NOTE]
    no_events = t.loc["d_no_events"]
    assert math.isnan(no_events[col.P_VALUE]) and "no denied on either side" in no_events[col.NOTE]
    zero_mh = t.loc["e_zero_mhsud_events"]
    assert zero_mh[col.RATE_RATIO] == 0 and math.isnan(zero_mh[col.RATE_RATIO_LOW])
    assert not t[col.FLAGGED].loc[["b_zero_mhsud_trials", "c_all_events"]].any()
    # Untested rows are left out of the family: 2 tested rows -> BH over 2 p-values.
    tested = t[col.P_VALUE].notna()
    assert tested.sum() == 2
    assert np.allclose(
        t.loc[tested, col.P_ADJUSTED], adjust_p_values(t.loc[tested, col.P_VALUE], method="fdr_bh")
    )


def test_missing_side_counts_zero():
    s = pd.DataFrame({"plan_id": ["P1"], "classification": ["emergency"], "side": ["ms"],
                      "denied": [5], "claims": [50]})  # fmt: skip
    t = compare_rates(s)
    assert t.loc[0, col.MHSUD_TRIALS] == 0 and "no MH/SUD claims" in t.loc[0, col.NOTE]


def test_rows_are_summed_within_group_and_side_aliases_accepted():
    s = pd.DataFrame({"plan_id": ["P1"] * 4, "classification": ["emergency"] * 4,
                      "side": ["MH/SUD", "mhsud", "M/S", "ms"],
                      "denied": [10, 20, 5, 5], "claims": [100, 100, 100, 100]})  # fmt: skip
    t = compare_rates(s)
    assert t.loc[0, col.MHSUD_EVENTS] == 30 and t.loc[0, col.MS_TRIALS] == 200


@pytest.mark.parametrize(("method", "r_name"), [("fdr_bh", "BH"), ("holm", "holm"),
                                                ("fdr_by", "BY"), ("bonferroni", "bonferroni"),
                                                ("hochberg", "hochberg")])  # fmt: skip
def test_adjust_p_values_against_R_p_adjust(method, r_name, r_tables):
    p = [0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.049, 0.0001]
    ours = adjust_p_values(p, method=method)
    theirs = [r_tables(f"padjust_{r_name}", f"p{i + 1}") for i in range(len(p))]
    assert np.allclose(ours, theirs, rtol=1e-12)


def test_holm_correction_used_in_table():
    rows = [("P1", f"c{i}", 30 + i, 200, 20, 200) for i in range(4)]
    t = compare_rates(_summary(rows), correction="holm")
    assert np.allclose(t[col.P_ADJUSTED], adjust_p_values(t[col.P_VALUE], method="holm"))


def test_worse_lower_flags_lower_rate():
    s = _summary([("P1", "emergency", 100, 1000, 200, 1000)])
    assert not compare_rates(s).loc[0, col.FLAGGED]
    assert compare_rates(s, worse="lower").loc[0, col.FLAGGED]


def test_other_event_columns_and_by_nothing():
    s = _summary([("P1", "emergency", 30, 100, 20, 200), ("P2", "emergency", 10, 50, 5, 50)])
    t = compare_rates(s, events="denied", trials="prior_auth_requests", by=())
    assert len(t) == 1 and t.loc[0, col.MHSUD_EVENTS] == 40


def test_bad_input_lists_every_problem():
    s = _summary([("P1", "emergency", 30, 20, 20, 200), ("P2", "emergency", -1, 50, 5, 50)])
    with pytest.raises(DataValidationError) as info:
        compare_rates(s)
    problems = info.value.problems
    assert set(problems["row"]) == {1, 3}
    with pytest.raises(DataValidationError, match="lacks column"):
        compare_rates(s.drop(columns="denied"))
    with pytest.raises(DataValidationError, match="not a side"):
        compare_rates(s.assign(side="other").assign(denied=1))
    with pytest.raises(ConfigurationError, match="correction"):
        compare_rates(s.assign(denied=1), correction="fdr")  # type: ignore[arg-type]


@pytest.mark.parametrize(("p0", "n"), [(0.1, 1000), (0.05, 200), (0.3, 50), (0.02, 5000)])
def test_detectable_ratio_against_R_power_prop_test(p0, n, r_tables):
    expected = r_tables(f"power_{p0:g}_{n}", "p2") / p0
    assert detectable_ratio(p0, n, n) == pytest.approx(expected, rel=1e-8)


def test_power_curve_against_R(r_tables):
    assert float(power_two_proportions(0.75, 0.5, 50, 50)) == pytest.approx(
        r_tables("power_curve", "power"), rel=1e-9
    )


def test_detectable_ratio_policies():
    assert math.isnan(detectable_ratio(0.0, 100, 100))
    assert math.isnan(detectable_ratio(0.1, 0, 100))
    assert detectable_ratio(0.6, 3, 3) == math.inf  # nothing up to a rate of 1 is detectable
    lower = detectable_ratio(0.2, 2000, 2000, direction="lower")
    assert 0 < lower < 1
    # More claims -> smaller detectable ratio.
    assert detectable_ratio(0.1, 5000, 5000) < detectable_ratio(0.1, 500, 500)


def test_detectable_ratio_shown_in_table():
    t = compare_rates(_summary([("P1", "emergency", 11, 100, 10, 100)]))
    assert t.loc[0, col.DETECTABLE_RATIO] == pytest.approx(detectable_ratio(0.1, 100, 100))

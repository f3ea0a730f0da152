"""Wilson, Newcombe, chi-square and Fisher against R and Newcombe's (1998) published tables.

Tolerances: 1e-9 (relative) where R prints 17 digits of a closed form; 1e-8 for Fisher's
conditional MLE and interval (R solved with uniroot(tol = 1e-12)); 5e-5 (absolute) against
the four-decimal published tables.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from paritykit.errors import DataValidationError
from paritykit.stats import (
    fisher_exact,
    newcombe_difference,
    two_proportions,
    wilson_interval,
)

# Newcombe RG (1998a). Two-sided confidence intervals for the single proportion: comparison
# of seven methods. Stat Med 17:857-872, Table I, method 3 (score interval, no correction).
NEWCOMBE_1998A_WILSON = {
    (81, 263): (0.2553, 0.3662),
    (15, 148): (0.0624, 0.1605),
    (0, 20): (0.0000, 0.1611),
    (1, 29): (0.0061, 0.1718),
}

# Newcombe RG (1998b). Interval estimation for the difference between independent
# proportions: comparison of eleven methods. Stat Med 17:873-890, Table II, method 10.
NEWCOMBE_1998B_METHOD10 = {
    (56, 70, 48, 80): (0.0524, 0.3339),
    (9, 10, 3, 10): (0.1705, 0.8090),
    (6, 7, 2, 7): (0.0582, 0.8062),
    (5, 56, 0, 29): (-0.0381, 0.1926),
    (0, 10, 0, 20): (-0.1611, 0.2775),
    (0, 10, 0, 10): (-0.2775, 0.2775),
    (10, 10, 0, 20): (0.6791, 1.0000),
    (10, 10, 0, 10): (0.6075, 1.0000),
}


@pytest.mark.parametrize(("kn", "published"), NEWCOMBE_1998A_WILSON.items())
def test_wilson_matches_newcombe_1998a_table(kn, published):
    r = wilson_interval(*kn)
    assert r.low == pytest.approx(published[0], abs=5e-5)
    assert r.high == pytest.approx(published[1], abs=5e-5)


@pytest.mark.parametrize("kn", [(81, 263), (15, 148), (0, 20), (1, 29), (29, 29), (5, 7)])
def test_wilson_against_R_prop_test(kn, r_tables):
    r = wilson_interval(*kn)
    case = f"wilson_{kn[0]}_{kn[1]}"
    assert r.low == pytest.approx(r_tables(case, "low"), rel=1e-9, abs=1e-12)
    assert r.high == pytest.approx(r_tables(case, "high"), rel=1e-9, abs=1e-12)


def test_wilson_confidence_level_against_R(r_tables):
    r = wilson_interval(81, 263, alpha=0.01)
    assert r.low == pytest.approx(r_tables("wilson_81_263_99", "low"), rel=1e-9)
    assert r.high == pytest.approx(r_tables("wilson_81_263_99", "high"), rel=1e-9)


def test_wilson_zero_trials_is_nan_with_reason():
    r = wilson_interval(0, 0)
    assert math.isnan(r.estimate) and math.isnan(r.low) and math.isnan(r.high)
    assert "zero trials" in r.note


@pytest.mark.parametrize(("counts", "published"), NEWCOMBE_1998B_METHOD10.items())
def test_newcombe_matches_published_table(counts, published, r_tables):
    r = newcombe_difference(*counts)
    assert r.low == pytest.approx(published[0], abs=5e-5)
    assert r.high == pytest.approx(published[1], abs=5e-5)
    case = "newcombe_{}_{}_{}_{}".format(*counts)
    assert r.difference == pytest.approx(r_tables(case, "difference"), abs=1e-12)
    assert r.low == pytest.approx(r_tables(case, "low"), rel=1e-9, abs=1e-12)
    assert r.high == pytest.approx(r_tables(case, "high"), rel=1e-9, abs=1e-12)


def test_newcombe_zero_trials():
    r = newcombe_difference(0, 0, 3, 10)
    assert math.isnan(r.difference) and "zero trials" in r.note


@pytest.mark.parametrize("counts", [(83, 86, 90, 93), (15, 50, 25, 50), (120, 1000, 80, 1000),
                                    (3, 40, 9, 35)])  # fmt: skip
@pytest.mark.parametrize("correct", [True, False])
def test_two_proportions_against_R_prop_and_chisq_test(counts, correct, r_tables):
    r = two_proportions(*counts, correction=correct)
    case = "prop_{}_{}_{}_{}_".format(*counts) + ("yates" if correct else "plain")
    assert r.statistic == pytest.approx(r_tables(case, "statistic"), rel=1e-9)
    assert r.p_value == pytest.approx(r_tables(case, "p_value"), rel=1e-9)
    assert r.statistic == pytest.approx(r_tables(case, "chisq_statistic"), rel=1e-9)
    assert r.p_value == pytest.approx(r_tables(case, "chisq_p_value"), rel=1e-9)


def test_two_proportions_katz_and_woolf_intervals_by_formula():
    # Katz et al. (1978) and Woolf (1955) written out independently of the implementation.
    k1, n1, k2, n2 = 30, 200, 20, 250
    r = two_proportions(k1, n1, k2, n2)
    rr = (k1 / n1) / (k2 / n2)
    se = math.sqrt(1 / k1 - 1 / n1 + 1 / k2 - 1 / n2)
    assert r.rate_ratio == pytest.approx(rr)
    assert r.rate_ratio_low == pytest.approx(rr * math.exp(-1.959963984540054 * se))
    orr = (30 * 230) / (170 * 20)
    se_or = math.sqrt(1 / 30 + 1 / 170 + 1 / 20 + 1 / 230)
    assert r.odds_ratio_high == pytest.approx(orr * math.exp(1.959963984540054 * se_or))


def test_two_proportions_zero_events_one_side():
    r = two_proportions(5, 100, 0, 100)
    assert math.isnan(r.rate_ratio)
    assert "no M/S events" in r.note
    assert r.p_value < 0.1  # the test itself is still defined


def test_two_proportions_all_events_is_untestable():
    r = two_proportions(10, 10, 20, 20)
    assert math.isnan(r.p_value) and "every trial is an event" in r.note


def test_two_proportions_rejects_events_above_trials():
    with pytest.raises(DataValidationError, match="larger than n1"):
        two_proportions(11, 10, 1, 10)


def _fisher_table(r_tables, case):
    return [[r_tables(case, "a"), r_tables(case, "b")], [r_tables(case, "c"), r_tables(case, "d")]]


@pytest.mark.parametrize("name", ["tea", "convictions", "zero_cell", "big"])
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_fisher_2x2_against_R_fisher_test(name, alternative, r_tables):
    case = f"fisher_{name}_{alternative.replace('-', '.')}"
    r = fisher_exact(_fisher_table(r_tables, case), alternative)
    assert r.p_value == pytest.approx(r_tables(case, "p_value"), rel=1e-9)
    for ours, theirs in ((r.odds_ratio, "estimate"), (r.odds_ratio_low, "low"),
                         (r.odds_ratio_high, "high")):  # fmt: skip
        expected = r_tables(case, theirs)
        if math.isinf(expected) or expected == 0:
            assert ours == expected
        else:
            assert ours == pytest.approx(expected, rel=1e-8)


def test_fisher_tea_tasting_conditional_mle_not_sample_odds_ratio(r_tables):
    r = fisher_exact([[3, 1], [1, 3]])
    assert r.sample_odds_ratio == 9.0  # what scipy.stats.fisher_exact reports
    # R's printed estimate (default uniroot tolerance, about 1e-4 on its search scale).
    assert r.odds_ratio == pytest.approx(
        r_tables("fisher_tea_two.sided", "estimate_r_default"), rel=1e-5
    )
    assert r.odds_ratio == pytest.approx(6.408309, rel=1e-5)  # ?fisher.test output


@pytest.mark.parametrize("name", ["job", "small", "2x5"])
def test_fisher_rxc_against_R(name, r_tables):
    tables = {
        "job": [[1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11]],
        "small": [[2, 3, 4], [5, 0, 1], [1, 1, 6]],
        "2x5": [[3, 0, 2, 1, 4], [1, 5, 2, 0, 6]],
    }
    r = fisher_exact(tables[name])
    assert r.p_value == pytest.approx(r_tables(f"fisher_rxc_{name}", "p_value"), rel=1e-7)
    assert math.isnan(r.odds_ratio)


def test_fisher_rejects_bad_tables():
    with pytest.raises(DataValidationError, match="shape"):
        fisher_exact([1, 2, 3, 4])
    with pytest.raises(DataValidationError, match="non-negative whole number"):
        fisher_exact([[1, -2], [3, 4]])
    with pytest.raises(DataValidationError, match="two-sided"):
        fisher_exact([[1, 2, 3], [3, 4, 5]], "less")


def test_fisher_zero_margin_gives_nan_odds_ratio():
    r = fisher_exact([[0, 0], [3, 4]])
    assert r.p_value == 1.0
    assert math.isnan(r.odds_ratio) and "margin" in r.note


def test_results_are_frozen_and_render():
    r = wilson_interval(81, 263)
    with pytest.raises(AttributeError):
        r.low = 0.0  # type: ignore[misc]
    frame = r.to_frame()
    assert list(frame.columns[:3]) == ["estimate", "low", "high"]
    assert "0.255" in r.summary()
    assert r._repr_html_().startswith("<p>")
    assert np.isclose(frame.loc[0, "estimate"], 81 / 263)

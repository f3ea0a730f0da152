"""Per-cell comparison of MH/SUD and M/S rates with multiple-comparison control."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from paritykit import columns as col
from paritykit.errors import ConfigurationError
from paritykit.stats._input import as_keys, wide_counts
from paritykit.stats.multiple import CORRECTIONS, Correction, adjust_p_values
from paritykit.stats.power import _detectable_array
from paritykit.stats.proportions import (
    _check_alpha,
    _chi_square,
    _fisher_2x2,
    _katz,
    _newcombe,
    _woolf,
    _z,
)

__all__ = ["RATE_COLUMNS", "compare_rates"]

TestMethod = Literal["auto", "chi_square", "fisher_exact"]
Worse = Literal["higher", "lower"]

#: Columns of the :func:`compare_rates` table after the grouping columns, in order.
RATE_COLUMNS: tuple[str, ...] = (
    col.MHSUD_EVENTS,
    col.MHSUD_TRIALS,
    col.MHSUD_RATE,
    col.MS_EVENTS,
    col.MS_TRIALS,
    col.MS_RATE,
    col.RATE_RATIO,
    col.RATE_RATIO_LOW,
    col.RATE_RATIO_HIGH,
    col.RATE_DIFFERENCE,
    col.RATE_DIFFERENCE_LOW,
    col.RATE_DIFFERENCE_HIGH,
    col.ODDS_RATIO,
    col.ODDS_RATIO_LOW,
    col.ODDS_RATIO_HIGH,
    col.STATISTIC,
    col.P_VALUE,
    col.P_ADJUSTED,
    col.TEST,
    col.FLAGGED,
    col.DETECTABLE_RATIO,
    col.NOTE,
)

#: Cochran's rule: the chi-square approximation is used when every expected count is >= 5.
MIN_EXPECTED = 5.0

TEST_CHI_SQUARE = "pearson_chi_square (every expected count >= 5)"
TEST_FISHER_SMALL = "fisher_exact (an expected count < 5)"
TEST_CHI_SQUARE_ASKED = "pearson_chi_square (requested)"
TEST_FISHER_ASKED = "fisher_exact (requested)"
TEST_NONE = "not tested"


def compare_rates(
    summary: pd.DataFrame,
    *,
    events: str = "denied",
    trials: str = "claims",
    by: Sequence[str] | str = (col.PLAN_ID, col.CLASSIFICATION),
    alpha: float = 0.05,
    correction: Correction = "fdr_bh",
    method: TestMethod = "auto",
    worse: Worse = "higher",
    power: float = 0.8,
) -> pd.DataFrame:
    """Compare the MH/SUD rate with the M/S rate in every group, one row per group.

    For each group (by default plan x classification) the MH/SUD and M/S counts form a 2 x 2
    table. The table reports both rates, the rate ratio (Katz log interval), the rate
    difference (Newcombe's hybrid score interval, method 10), the odds ratio, a p-value, the
    p-value adjusted across all tested rows, and ``flagged``: the adjusted p-value is below
    ``alpha`` *and* the difference disfavours MH/SUD.

    The test is Pearson's chi-square (no continuity correction) when every expected count
    is at least 5 and Fisher's exact test otherwise (``method="auto"``); ``test`` names the
    test and why. The odds ratio is the conditional maximum-likelihood estimate with its
    exact interval where Fisher's test is used or a cell is zero, otherwise the sample odds
    ratio with Woolf's interval. ``detectable_ratio`` is the smallest ratio the row could
    detect with ``power`` at ``alpha``, so that "no finding" is not read as "no problem".

    Rows that cannot be tested (no MH/SUD or no M/S trials, no events on either side, every
    trial an event) have NaN p-values, are left out of the multiple-comparison family, are
    never flagged, and ``note`` says why.

    Parameters
    ----------
    summary : pandas.DataFrame
        Tidy counts (``summarize_outcomes`` output or any frame with a ``side`` column with
        ``"mhsud"``/``"ms"`` and the ``events``/``trials`` columns). Rows with the same group
        and side are summed.
    events, trials : str
        Count columns, e.g. ``"denied"``/``"claims"`` or ``"prior_auth_denied"``/
        ``"prior_auth_requests"``.
    by : str or sequence of str
        Grouping columns; ``()`` compares the whole table at once.
    alpha : float, default 0.05
        Significance level and one minus the confidence level of the intervals.
    correction : {"fdr_bh", "fdr_by", "holm", "hochberg", "bonferroni", "none"}
        Multiple-comparison adjustment across the tested rows.
    method : {"auto", "chi_square", "fisher_exact"}
        Test choice; ``"auto"`` applies Cochran's rule described above.
    worse : {"higher", "lower"}
        Which direction disfavours MH/SUD: ``"higher"`` for denials, ``"lower"`` for an
        approval or in-network rate.
    power : float, default 0.8
        Power used for ``detectable_ratio``.

    Returns
    -------
    pandas.DataFrame
        The grouping columns followed by :data:`RATE_COLUMNS`.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"plan_id": ["P1"] * 2, "classification": ["outpatient_in_network"] * 2,
    ...                   "side": ["mhsud", "ms"], "denied": [142, 81], "claims": [1000, 1000]})
    >>> t = compare_rates(s)
    >>> float(t.loc[0, "rate_ratio"].round(2)), bool(t.loc[0, "flagged"])
    (1.75, True)
    """
    alpha = _check_alpha(alpha)
    if correction not in CORRECTIONS:
        raise ConfigurationError(f"correction must be one of {CORRECTIONS}; got {correction!r}.")
    if method not in ("auto", "chi_square", "fisher_exact"):
        raise ConfigurationError(
            f"method must be 'auto', 'chi_square' or 'fisher_exact'; got {method!r}."
        )
    if worse not in ("higher", "lower"):
        raise ConfigurationError(f"worse must be 'higher' or 'lower'; got {worse!r}.")
    if not 0 < power < 1:
        raise ConfigurationError(f"power must be strictly between 0 and 1; got {power!r}.")
    keys = as_keys(by)
    wide = wide_counts(summary, events=events, trials=trials, keys=keys, what="summary")

    k1 = wide[col.MHSUD_EVENTS].to_numpy(dtype=float)
    n1 = wide[col.MHSUD_TRIALS].to_numpy(dtype=float)
    k2 = wide[col.MS_EVENTS].to_numpy(dtype=float)
    n2 = wide[col.MS_TRIALS].to_numpy(dtype=float)
    a, b, c, d = k1, n1 - k1, k2, n2 - k2
    z = _z(alpha)
    m = len(wide)

    with np.errstate(divide="ignore", invalid="ignore"):
        rate1 = np.where(n1 > 0, k1 / n1, np.nan)
        rate2 = np.where(n2 > 0, k2 / n2, np.nan)
    rr, rr_low, rr_high = _katz(k1, n1, k2, n2, z)
    diff, diff_low, diff_high = _newcombe(k1, n1, k2, n2, z)
    chi_stat, chi_p, min_exp = _chi_square(a, b, c, d, correction=False)
    orr, or_low, or_high = _woolf(a, b, c, d, z)

    notes: list[list[str]] = [[] for _ in range(m)]
    testable = np.ones(m, dtype=bool)
    for i in range(m):
        reasons = []
        if n1[i] == 0:
            reasons.append(f"no MH/SUD {trials}")
        if n2[i] == 0:
            reasons.append(f"no M/S {trials}")
        if not reasons and k1[i] + k2[i] == 0:
            reasons.append(f"no {events} on either side")
        if not reasons and b[i] + d[i] == 0:
            reasons.append(f"every {trials} row on both sides counts as {events}")
        if reasons:
            testable[i] = False
            notes[i].extend(reasons)
            continue
        if k2[i] == 0:
            notes[i].append(f"no M/S {events}: rate ratio undefined")
        elif k1[i] == 0:
            notes[i].append(f"no MH/SUD {events}: rate-ratio interval undefined")

    if method == "auto":
        use_fisher = testable & (min_exp < MIN_EXPECTED)
    else:
        use_fisher = testable & (method == "fisher_exact")
    zero_cell = np.minimum.reduce([a, b, c, d]) == 0
    exact_or = testable & (use_fisher | zero_cell)

    p = np.where(testable, chi_p, np.nan)
    stat = np.where(testable & ~use_fisher, chi_stat, np.nan)
    tests = np.full(m, TEST_NONE, dtype=object)
    for i in np.flatnonzero(testable):
        if method == "auto":
            tests[i] = TEST_FISHER_SMALL if use_fisher[i] else TEST_CHI_SQUARE
        else:
            tests[i] = TEST_FISHER_ASKED if use_fisher[i] else TEST_CHI_SQUARE_ASKED
    for i in np.flatnonzero(exact_or):
        table = np.array([[a[i], b[i]], [c[i], d[i]]], dtype=np.int64)
        res = _fisher_2x2(table, "two-sided", alpha)
        orr[i], or_low[i], or_high[i] = res.odds_ratio, res.odds_ratio_low, res.odds_ratio_high
        if use_fisher[i]:
            p[i] = res.p_value
        else:
            notes[i].append("a cell is zero: odds ratio is the conditional MLE")
    for i in np.flatnonzero(~testable):
        orr[i] = or_low[i] = or_high[i] = np.nan

    p_adj = adjust_p_values(p, method=correction)
    direction = rate1 > rate2 if worse == "higher" else rate1 < rate2
    flagged = testable & (p_adj < alpha) & direction
    detectable = _detectable_array(rate2, n1, n2, alpha, power, worse)

    out = wide[keys].copy() if keys else pd.DataFrame(index=range(m))
    values = {
        col.MHSUD_EVENTS: wide[col.MHSUD_EVENTS].to_numpy(),
        col.MHSUD_TRIALS: wide[col.MHSUD_TRIALS].to_numpy(),
        col.MHSUD_RATE: rate1,
        col.MS_EVENTS: wide[col.MS_EVENTS].to_numpy(),
        col.MS_TRIALS: wide[col.MS_TRIALS].to_numpy(),
        col.MS_RATE: rate2,
        col.RATE_RATIO: rr,
        col.RATE_RATIO_LOW: rr_low,
        col.RATE_RATIO_HIGH: rr_high,
        col.RATE_DIFFERENCE: np.where((n1 > 0) & (n2 > 0), diff, np.nan),
        col.RATE_DIFFERENCE_LOW: np.where((n1 > 0) & (n2 > 0), diff_low, np.nan),
        col.RATE_DIFFERENCE_HIGH: np.where((n1 > 0) & (n2 > 0), diff_high, np.nan),
        col.ODDS_RATIO: orr,
        col.ODDS_RATIO_LOW: or_low,
        col.ODDS_RATIO_HIGH: or_high,
        col.STATISTIC: stat,
        col.P_VALUE: p,
        col.P_ADJUSTED: p_adj,
        col.TEST: tests.astype(str),
        col.FLAGGED: flagged.astype(bool),
        col.DETECTABLE_RATIO: detectable,
        col.NOTE: ["; ".join(n) for n in notes],
    }
    for name, value in values.items():
        out[name] = value
    return out.reset_index(drop=True)

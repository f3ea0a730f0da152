"""Stratified 2 x 2 analysis: Cochran-Mantel-Haenszel, Mantel-Haenszel ratios, Breslow-Day.

Tables are a ``K x 2 x 2`` array, one ``[[a, b], [c, d]]`` table per stratum with MH/SUD in
the first row and events in the first column. R's ``mantelhaen.test`` takes a ``2 x 2 x K``
array: convert with ``numpy.moveaxis(x, 2, 0)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from paritykit import columns as col
from paritykit.errors import DataValidationError
from paritykit.stats._input import as_keys, wide_counts
from paritykit.stats.proportions import _check_alpha, _check_count, _woolf, _z, two_proportions
from paritykit.stats.results import BreslowDayResult, CMHResult, StratifiedResult

__all__ = ["breslow_day", "cmh", "mantel_haenszel_risk_ratio", "stratified_test"]

_NAN = float("nan")


def _as_tables(tables: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(tables)
    if arr.ndim == 2 and arr.shape == (2, 2):
        arr = arr[np.newaxis]
    if arr.ndim != 3 or arr.shape[1:] != (2, 2):
        hint = (
            " It looks like R's 2 x 2 x K layout: use numpy.moveaxis(x, 2, 0)."
            if arr.ndim == 3 and arr.shape[:2] == (2, 2)
            else ""
        )
        raise DataValidationError(
            f"tables must be a K x 2 x 2 array (one 2 x 2 table per stratum); got shape "
            f"{arr.shape}.{hint}"
        )
    flat = [_check_count(v, "every table cell") for v in arr.ravel()]
    return np.array(flat, dtype=float).reshape(arr.shape)


def _informative(t: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Strata with every margin positive (others carry no information about the odds ratio)."""
    a, b, c, d = t[:, 0, 0], t[:, 0, 1], t[:, 1, 0], t[:, 1, 1]
    return (a + b > 0) & (c + d > 0) & (a + c > 0) & (b + d > 0)


def _dropped_note(n_all: int, n_used: int) -> str:
    if n_all == n_used:
        return ""
    return f"{n_all - n_used} of {n_all} strata dropped: a row or column margin is zero"


def _mh_odds_ratio(t: NDArray[np.float64], z: float) -> tuple[float, float, float]:
    """Mantel-Haenszel odds ratio with the Robins-Breslow-Greenland (1986) interval."""
    a, b, c, d = t[:, 0, 0], t[:, 0, 1], t[:, 1, 0], t[:, 1, 1]
    n = a + b + c + d
    r = a * d / n
    s = b * c / n
    p = (a + d) / n
    q = (b + c) / n
    sr, ss = r.sum(), s.sum()
    if sr == 0 or ss == 0:
        est = 0.0 if sr == 0 and ss > 0 else (math.inf if ss == 0 and sr > 0 else _NAN)
        return est, _NAN, _NAN
    var = (
        (p * r).sum() / (2 * sr**2)
        + (p * s + q * r).sum() / (2 * sr * ss)
        + (q * s).sum() / (2 * ss**2)
    )
    est = sr / ss
    half = z * math.sqrt(var)
    return est, math.exp(math.log(est) - half), math.exp(math.log(est) + half)


def mantel_haenszel_risk_ratio(
    tables: ArrayLike, *, alpha: float = 0.05
) -> tuple[float, float, float]:
    """Mantel-Haenszel common risk ratio with the Greenland-Robins (1985) interval.

    ``RR = sum(a n2 / N) / sum(c n1 / N)``, ``n1 = a + b``, ``n2 = c + d``;
    ``var(log RR) = sum((n1 n2 m1 - a c N) / N^2) / (sum(a n2 / N) sum(c n1 / N))`` with
    ``m1 = a + c``.

    Returns
    -------
    tuple of float
        Estimate, lower and upper limit (NaN when there are no events on a side).

    Examples
    --------
    >>> [round(v, 3) for v in mantel_haenszel_risk_ratio([[[10, 90], [5, 95]]])]
    [2.0, 0.709, 5.642]
    """
    alpha = _check_alpha(alpha)
    t = _as_tables(tables)
    t = t[_informative(t)]
    if len(t) == 0:
        return _NAN, _NAN, _NAN
    a, b, c, d = t[:, 0, 0], t[:, 0, 1], t[:, 1, 0], t[:, 1, 1]
    n1, n2, n = a + b, c + d, a + b + c + d
    num = (a * n2 / n).sum()
    den = (c * n1 / n).sum()
    if num == 0 or den == 0:
        return (float(num / den) if den > 0 else _NAN), _NAN, _NAN
    var = ((n1 * n2 * (a + c) - a * c * n) / n**2).sum() / (num * den)
    est = float(num / den)
    half = _z(alpha) * math.sqrt(var)
    return est, math.exp(math.log(est) - half), math.exp(math.log(est) + half)


def cmh(tables: ArrayLike, correction: bool = True, *, alpha: float = 0.05) -> CMHResult:
    """Cochran-Mantel-Haenszel test and the Mantel-Haenszel common odds ratio.

    Same statistic, p-value, estimate and interval as R's ``mantelhaen.test(x, correct =
    correction, exact = FALSE)`` on a 2 x 2 x K table: the continuity correction subtracts
    0.5 from ``|sum(a - E(a))|`` when that is at least 0.5, and the interval is the
    Robins-Breslow-Greenland one. Strata with a zero margin carry no information and are
    dropped (counted in ``n_strata_used`` and ``note``).

    Parameters
    ----------
    tables : array_like
        ``K x 2 x 2`` counts, MH/SUD in row 0, events in column 0.
    correction : bool, default True
        Continuity correction (R's default).
    alpha : float, default 0.05
        One minus the confidence level.

    Examples
    --------
    >>> r = cmh([[[10, 90], [5, 95]], [[20, 80], [10, 90]]])
    >>> round(r.odds_ratio, 3), r.n_strata_used
    (2.2, 2)
    """
    alpha = _check_alpha(alpha)
    t_all = _as_tables(tables)
    keep = _informative(t_all)
    t = t_all[keep]
    n_all, n_used = len(t_all), len(t)
    note = _dropped_note(n_all, n_used)
    method = "cochran_mantel_haenszel" + ("_corrected" if correction else "")
    if n_used == 0:
        return CMHResult(_NAN, 1, _NAN, _NAN, _NAN, _NAN, correction, alpha, n_all, 0, method,
                         note or "no strata")  # fmt: skip
    a, b, c, d = t[:, 0, 0], t[:, 0, 1], t[:, 1, 0], t[:, 1, 1]
    r1, r2, c1, c2 = a + b, c + d, a + c, b + d
    n = r1 + r2
    if (n < 2).any():  # pragma: no cover - informative strata have n >= 2
        raise DataValidationError("each stratum needs at least 2 observations")
    delta = (a - r1 * c1 / n).sum()
    var = (r1 * r2 * c1 * c2 / (n**2 * (n - 1))).sum()
    yates = 0.5 if correction and abs(delta) >= 0.5 else 0.0
    stat = (abs(delta) - yates) ** 2 / var
    p = float(stats.chi2.sf(stat, 1))
    est, low, high = _mh_odds_ratio(t, _z(alpha))
    return CMHResult(
        statistic=float(stat),
        df=1,
        p_value=p,
        odds_ratio=float(est),
        odds_ratio_low=float(low),
        odds_ratio_high=float(high),
        correction=correction,
        alpha=alpha,
        n_strata=n_all,
        n_strata_used=n_used,
        method=method,
        note=note,
    )


def _fitted_a(r1: float, r2: float, c1: float, psi: float) -> float:
    """The (1,1) cell with the given margins whose odds ratio is ``psi``."""
    lo, hi = max(0.0, r1 - (r1 + r2 - c1)), min(r1, c1)
    if psi == 1:
        return r1 * c1 / (r1 + r2)
    # (1 - psi) a^2 + (r2 - c1 + psi (r1 + c1)) a - psi r1 c1 = 0
    qa = 1 - psi
    qb = r2 - c1 + psi * (r1 + c1)
    qc = -psi * r1 * c1
    disc = math.sqrt(max(qb * qb - 4 * qa * qc, 0.0))
    for root in ((-qb + disc) / (2 * qa), (-qb - disc) / (2 * qa)):
        if lo - 1e-9 <= root <= hi + 1e-9:
            return root
    raise ArithmeticError("no admissible root")  # pragma: no cover


def breslow_day(tables: ArrayLike, *, tarone: bool = True, alpha: float = 0.05) -> BreslowDayResult:
    """Breslow-Day test that every stratum shares one odds ratio, with Tarone's correction.

    Each stratum's expected (1,1) cell is fitted at the Mantel-Haenszel common odds ratio;
    the statistic sums ``(a - A)^2 / var(a)`` with ``var = 1 / (1/A + 1/B + 1/C + 1/D)`` over
    the fitted cells. Tarone (1985) subtracts ``(sum(a) - sum(A))^2 / sum(var)``, which makes
    the statistic asymptotically chi-square because the MH estimate is not efficient. Same
    values as SAS ``PROC FREQ / CMH BDT`` and R ``DescTools::BreslowDayTest(x, correct =
    TRUE)``. Degrees of freedom: strata used minus one.

    Examples
    --------
    >>> r = breslow_day([[[10, 90], [5, 95]], [[20, 80], [10, 90]]])
    >>> r.df, round(r.p_value, 2)
    (1, 0.93)
    """
    alpha = _check_alpha(alpha)
    t_all = _as_tables(tables)
    t = t_all[_informative(t_all)]
    n_all, n_used = len(t_all), len(t)
    note = _dropped_note(n_all, n_used)
    method = "breslow_day_tarone" if tarone else "breslow_day"
    if n_used < 2:
        why = "fewer than two informative strata: homogeneity cannot be tested"
        return BreslowDayResult(_NAN, max(n_used - 1, 0), _NAN, tarone, n_all, n_used, method,
                                "; ".join(x for x in (note, why) if x))  # fmt: skip
    psi, _, _ = _mh_odds_ratio(t, _z(alpha))
    if not math.isfinite(psi) or psi == 0:
        why = "the common odds ratio is 0 or infinite: homogeneity cannot be tested"
        return BreslowDayResult(_NAN, n_used - 1, _NAN, tarone, n_all, n_used, method,
                                "; ".join(x for x in (note, why) if x))  # fmt: skip
    stat = 0.0
    diff_sum = 0.0
    var_sum = 0.0
    for table in t:
        a, b, c, d = table.ravel()
        r1, r2, c1 = a + b, c + d, a + c
        fa = _fitted_a(r1, r2, c1, psi)
        fb, fc = r1 - fa, c1 - fa
        fd = r2 - fc
        with np.errstate(divide="ignore"):
            var = 1.0 / (1 / fa + 1 / fb + 1 / fc + 1 / fd) if min(fa, fb, fc, fd) > 0 else 0.0
        if var > 0:
            stat += (a - fa) ** 2 / var
        diff_sum += a - fa
        var_sum += var
    if tarone and var_sum > 0:
        stat -= diff_sum**2 / var_sum
    df = n_used - 1
    return BreslowDayResult(
        statistic=float(stat),
        df=df,
        p_value=float(stats.chi2.sf(stat, df)),
        tarone=tarone,
        n_strata=n_all,
        n_strata_used=n_used,
        method=method,
        note=note,
    )


def stratified_test(
    summary: pd.DataFrame,
    *,
    events: str = "denied",
    trials: str = "claims",
    strata: Sequence[str] | str = (col.PLAN_ID, col.CLASSIFICATION),
    alpha: float = 0.05,
) -> StratifiedResult:
    """Is MH/SUD worse *within* strata? CMH, Mantel-Haenszel ratios, Breslow-Day, crude.

    Answers a pooled question such as "across all plans, are MH/SUD claims denied more
    often than M/S claims in the same plan?". Each stratum (a combination of ``strata``
    values) gives one 2 x 2 table of MH/SUD vs M/S by event vs non-event. Reported:

    * the Cochran-Mantel-Haenszel test with and without continuity correction;
    * the Mantel-Haenszel common odds ratio (Robins-Breslow-Greenland interval) and common
      risk ratio (Greenland-Robins interval);
    * the Breslow-Day test with Tarone's correction: a small p-value says the odds ratio
      differs between strata, so one pooled number hides variation;
    * the crude comparison that ignores the strata, and ``direction_reversed`` when the
      crude and pooled odds ratios fall on opposite sides of 1 (Simpson's paradox).

    Parameters
    ----------
    summary : pandas.DataFrame
        Tidy counts with a ``side`` column (``"mhsud"``/``"ms"``), the ``strata`` columns
        and the ``events`` and ``trials`` columns (e.g. ``summarize_outcomes`` output).
    events, trials : str
        Count columns.
    strata : str or sequence of str
        Columns that define the strata.
    alpha : float, default 0.05
        One minus the confidence level.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"plan_id": ["A", "A", "B", "B"], "side": ["mhsud", "ms"] * 2,
    ...                   "denied": [10, 5, 20, 10], "claims": [100, 100, 100, 100]})
    >>> r = stratified_test(s, strata="plan_id")
    >>> round(r.mh_odds_ratio, 3), r.n_strata_used
    (2.2, 2)
    """
    alpha = _check_alpha(alpha)
    keys = as_keys(strata)
    wide = wide_counts(summary, events=events, trials=trials, keys=keys, what="summary")
    a = wide[col.MHSUD_EVENTS].to_numpy(dtype=float)
    n1 = wide[col.MHSUD_TRIALS].to_numpy(dtype=float)
    c = wide[col.MS_EVENTS].to_numpy(dtype=float)
    n2 = wide[col.MS_TRIALS].to_numpy(dtype=float)
    tables = np.stack([np.stack([a, n1 - a], 1), np.stack([c, n2 - c], 1)], 1)
    used = _informative(tables) if len(tables) else np.zeros(0, dtype=bool)
    z = _z(alpha)
    orr, _, _ = _woolf(a, n1 - a, c, n2 - c, z)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame = wide.assign(
            **{col.MHSUD_RATE: a / n1, col.MS_RATE: c / n2, col.ODDS_RATIO: orr, "used": used}
        )
    if len(tables) == 0:
        raise DataValidationError("The summary has no rows; nothing to test.")
    corrected = cmh(tables, True, alpha=alpha)
    uncorrected = cmh(tables, False, alpha=alpha)
    bd = breslow_day(tables, tarone=True, alpha=alpha)
    rr, rr_low, rr_high = mantel_haenszel_risk_ratio(tables, alpha=alpha)
    crude = two_proportions(int(a.sum()), int(n1.sum()), int(c.sum()), int(n2.sum()), alpha=alpha)
    mh = corrected.odds_ratio
    crude_or = crude.odds_ratio
    reversed_ = bool(
        np.isfinite(mh) and np.isfinite(crude_or) and mh > 0 and crude_or > 0
        and math.log(mh) * math.log(crude_or) < 0
    )  # fmt: skip
    notes = [n for n in (corrected.note,) if n]
    if len(tables) == 1:
        notes.append("a single stratum: the pooled analysis equals the crude one")
    return StratifiedResult(
        events=events,
        trials=trials,
        strata_columns=tuple(keys),
        alpha=alpha,
        mh_odds_ratio=corrected.odds_ratio,
        mh_odds_ratio_low=corrected.odds_ratio_low,
        mh_odds_ratio_high=corrected.odds_ratio_high,
        mh_risk_ratio=float(rr),
        mh_risk_ratio_low=float(rr_low),
        mh_risk_ratio_high=float(rr_high),
        cmh=corrected,
        cmh_uncorrected=uncorrected,
        breslow_day=bd,
        crude=crude,
        direction_reversed=reversed_,
        n_strata=len(tables),
        n_strata_used=int(used.sum()),
        strata=frame,
        note="; ".join(notes),
    )

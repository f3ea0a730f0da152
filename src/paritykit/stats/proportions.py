"""Single and two-group proportions: Wilson, Newcombe, chi-square and Fisher's exact test.

Orientation: group 1 is MH/SUD, group 2 is M/S. A 2 x 2 table is
``[[events_1, trials_1 - events_1], [events_2, trials_2 - events_2]]``.

The vectorised helpers (``_wilson`` ...) work on NumPy arrays and are shared with
:func:`paritykit.stats.compare_rates`; the public functions check their input and return
frozen results.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, stats

from paritykit.errors import DataValidationError
from paritykit.stats.results import (
    DifferenceInterval,
    FisherResult,
    ProportionInterval,
    TwoProportionsResult,
)

__all__ = [
    "fisher_exact",
    "newcombe_difference",
    "two_proportions",
    "wilson_interval",
]

Alternative = Literal["two-sided", "less", "greater"]
_ALTERNATIVES = ("two-sided", "less", "greater")
#: R's relative tolerance when it compares table probabilities (``fisher.test``).
_REL_ERR = 1 + 1e-7
_NAN = float("nan")


# --- input checks ------------------------------------------------------------------------------
def _check_alpha(alpha: float) -> float:
    if not (isinstance(alpha, int | float) and 0 < float(alpha) < 1):
        raise DataValidationError(
            f"alpha must be a number strictly between 0 and 1 (e.g. 0.05); got {alpha!r}."
        )
    return float(alpha)


def _check_count(value: object, name: str) -> int:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = _NAN
    if not math.isfinite(number) or number < 0 or number != int(number):
        raise DataValidationError(
            f"{name} must be a non-negative whole number; got {value!r}. Pass counts of claims, "
            "not rates or percentages."
        )
    return int(number)


def _check_pair(k: object, n: object, k_name: str, n_name: str) -> tuple[int, int]:
    kk = _check_count(k, k_name)
    nn = _check_count(n, n_name)
    if kk > nn:
        raise DataValidationError(
            f"{k_name} ({kk}) is larger than {n_name} ({nn}); events must be a subset of "
            "trials. Check that the event and trial columns are not swapped."
        )
    return kk, nn


def _z(alpha: float) -> float:
    return float(stats.norm.ppf(1 - alpha / 2))


# --- vectorised cores ------------------------------------------------------------------------
def _wilson(
    k: NDArray[np.float64], n: NDArray[np.float64], z: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Wilson score limits (no continuity correction); NaN where ``n == 0``."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        z2 = z * z
        denom = 1 + z2 / n
        center = (p + z2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
        low = np.where(k <= 0, 0.0, center - half)
        high = np.where(k >= n, 1.0, center + half)
    bad = n <= 0
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def _newcombe(
    k1: NDArray[np.float64],
    n1: NDArray[np.float64],
    k2: NDArray[np.float64],
    n2: NDArray[np.float64],
    z: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Newcombe (1998) method 10: hybrid score interval for ``p1 - p2``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = np.asarray(k1, dtype=float) / np.asarray(n1, dtype=float)
        p2 = np.asarray(k2, dtype=float) / np.asarray(n2, dtype=float)
    l1, u1 = _wilson(k1, n1, z)
    l2, u2 = _wilson(k2, n2, z)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, low, high


def _chi_square(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    c: NDArray[np.float64],
    d: NDArray[np.float64],
    correction: bool,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Pearson chi-square of 2 x 2 tables (as R's ``chisq.test``/``prop.test``).

    Returns the statistic, its p-value (1 df) and the smallest expected count. With
    ``correction`` Yates' term is ``min(0.5, |O - E|)`` as in R.
    """
    obs = np.stack([a, b, c, d]).astype(float)
    r1, r2 = a + b, c + d
    c1, c2 = a + c, b + d
    n = r1 + r2
    with np.errstate(divide="ignore", invalid="ignore"):
        exp = np.stack([r1 * c1, r1 * c2, r2 * c1, r2 * c2]).astype(float) / n
        dev = np.abs(obs - exp)
        yates = np.minimum(0.5, dev[0]) if correction else np.zeros_like(dev[0])
        stat = (((dev - yates) ** 2) / exp).sum(axis=0)
    degenerate = (r1 == 0) | (r2 == 0) | (c1 == 0) | (c2 == 0)
    stat = np.where(degenerate, np.nan, stat)
    p = stats.chi2.sf(stat, 1)
    return stat, p, exp.min(axis=0)


def _katz(
    k1: NDArray[np.float64],
    n1: NDArray[np.float64],
    k2: NDArray[np.float64],
    n2: NDArray[np.float64],
    z: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Rate ratio ``(k1/n1)/(k2/n2)`` with the Katz et al. (1978) log interval.

    The ratio is NaN when ``k2 == 0`` or a trial count is 0; the interval is NaN unless both
    groups have at least one event (the log interval needs them).
    """
    k1, n1, k2, n2 = (np.asarray(v, dtype=float) for v in (k1, n1, k2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        rr = (k1 / n1) / (k2 / n2)
        se = np.sqrt(1 / k1 - 1 / n1 + 1 / k2 - 1 / n2)
        low = np.exp(np.log(rr) - z * se)
        high = np.exp(np.log(rr) + z * se)
    ok = (k1 > 0) & (k2 > 0) & (n1 > 0) & (n2 > 0)
    rr = np.where((k2 > 0) & (n1 > 0) & (n2 > 0), rr, np.nan)
    return rr, np.where(ok, low, np.nan), np.where(ok, high, np.nan)


def _woolf(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    c: NDArray[np.float64],
    d: NDArray[np.float64],
    z: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Sample odds ratio ``ad/bc`` with Woolf's logit interval; NaN when a cell is 0."""
    a, b, c, d = (np.asarray(v, dtype=float) for v in (a, b, c, d))
    with np.errstate(divide="ignore", invalid="ignore"):
        orr = a * d / (b * c)
        se = np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
        low = np.exp(np.log(orr) - z * se)
        high = np.exp(np.log(orr) + z * se)
    ok = (a > 0) & (b > 0) & (c > 0) & (d > 0)
    return np.where(ok, orr, np.nan), np.where(ok, low, np.nan), np.where(ok, high, np.nan)


# --- public: single proportion and difference -------------------------------------------------
def wilson_interval(k: int, n: int, alpha: float = 0.05) -> ProportionInterval:
    """Wilson score interval for a single proportion ``k / n``.

    Newcombe (1998a) method 3, without continuity correction; the same interval as R's
    ``prop.test(k, n, correct = FALSE)$conf.int``.

    Parameters
    ----------
    k, n : int
        Events and trials (non-negative whole numbers, ``k <= n``).
    alpha : float, default 0.05
        One minus the confidence level.

    Returns
    -------
    ProportionInterval
        ``estimate``, ``low`` and ``high`` are NaN when ``n == 0`` (the reason is in ``note``).

    Examples
    --------
    >>> r = wilson_interval(81, 263)
    >>> round(r.low, 4), round(r.high, 4)
    (0.2553, 0.3662)
    """
    alpha = _check_alpha(alpha)
    k, n = _check_pair(k, n, "k", "n")
    if n == 0:
        return ProportionInterval(_NAN, _NAN, _NAN, k, n, alpha, note="zero trials")
    low, high = _wilson(np.array([k]), np.array([n]), _z(alpha))
    return ProportionInterval(k / n, float(low[0]), float(high[0]), k, n, alpha)


def newcombe_difference(
    k1: int, n1: int, k2: int, n2: int, alpha: float = 0.05
) -> DifferenceInterval:
    """Newcombe's hybrid score interval for the difference ``k1/n1 - k2/n2``.

    Newcombe (1998b) method 10: the Wilson limits of each proportion combined by the
    square-and-add rule. It stays inside [-1, 1], is defined for zero counts and keeps close
    to nominal coverage for small samples, unlike the Wald interval.

    Examples
    --------
    >>> r = newcombe_difference(56, 70, 48, 80)
    >>> round(r.difference, 4), round(r.low, 4), round(r.high, 4)
    (0.2, 0.0524, 0.3339)
    """
    alpha = _check_alpha(alpha)
    k1, n1 = _check_pair(k1, n1, "k1", "n1")
    k2, n2 = _check_pair(k2, n2, "k2", "n2")
    if n1 == 0 or n2 == 0:
        return DifferenceInterval(
            _NAN, _NAN, _NAN, k1, n1, k2, n2, alpha, note="zero trials in a group"
        )
    d, low, high = _newcombe(
        np.array([k1]), np.array([n1]), np.array([k2]), np.array([n2]), _z(alpha)
    )
    return DifferenceInterval(float(d[0]), float(low[0]), float(high[0]), k1, n1, k2, n2, alpha)


def two_proportions(
    k1: int,
    n1: int,
    k2: int,
    n2: int,
    *,
    alpha: float = 0.05,
    correction: bool = False,
) -> TwoProportionsResult:
    """Compare two proportions: Pearson chi-square test, rate ratio and odds ratio.

    The chi-square statistic without continuity correction is the square of the pooled
    two-proportion z statistic; it equals R's ``prop.test(c(k1, k2), c(n1, n2),
    correct = FALSE)`` (and ``chisq.test(correct = FALSE)``). ``correction=True`` applies
    Yates' correction exactly as R does (``min(0.5, |O - E|)``).

    The rate ratio carries the Katz log interval, the odds ratio Woolf's logit interval.

    Parameters
    ----------
    k1, n1 : int
        MH/SUD events and trials.
    k2, n2 : int
        M/S events and trials.
    alpha : float, default 0.05
        One minus the confidence level.
    correction : bool, default False
        Apply Yates' continuity correction to the chi-square statistic.

    Returns
    -------
    TwoProportionsResult
        Values that cannot be computed (a zero margin, zero events) are NaN and ``note``
        says why.

    Examples
    --------
    >>> r = two_proportions(83, 86, 90, 93)
    >>> round(r.p_value, 4)
    0.9223
    """
    alpha = _check_alpha(alpha)
    k1, n1 = _check_pair(k1, n1, "k1", "n1")
    k2, n2 = _check_pair(k2, n2, "k2", "n2")
    z = _z(alpha)
    a, b, c, d = (np.array([v], dtype=float) for v in (k1, n1 - k1, k2, n2 - k2))
    stat, p, _ = _chi_square(a, b, c, d, correction)
    rr, rr_low, rr_high = _katz(a, a + b, c, c + d, z)
    orr, or_low, or_high = _woolf(a, b, c, d, z)
    notes = []
    if n1 == 0 or n2 == 0:
        notes.append("zero trials in a group")
    elif k1 + k2 == 0:
        notes.append("no events in either group")
    elif k1 + k2 == n1 + n2:
        notes.append("every trial is an event")
    else:
        if k2 == 0:
            notes.append("no M/S events: rate ratio undefined")
        elif k1 == 0:
            notes.append("no MH/SUD events: rate-ratio interval undefined")
        if min(k1, n1 - k1, k2, n2 - k2) == 0:
            notes.append("a cell is zero: Woolf odds-ratio interval undefined")
    rate1 = k1 / n1 if n1 else _NAN
    rate2 = k2 / n2 if n2 else _NAN
    return TwoProportionsResult(
        rate1=rate1,
        rate2=rate2,
        difference=rate1 - rate2,
        statistic=float(stat[0]),
        df=1,
        p_value=float(p[0]),
        rate_ratio=float(rr[0]),
        rate_ratio_low=float(rr_low[0]),
        rate_ratio_high=float(rr_high[0]),
        odds_ratio=float(orr[0]),
        odds_ratio_low=float(or_low[0]),
        odds_ratio_high=float(or_high[0]),
        events1=k1,
        trials1=n1,
        events2=k2,
        trials2=n2,
        alpha=alpha,
        correction=correction,
        method="pearson_chi_square_yates" if correction else "pearson_chi_square",
        note="; ".join(notes),
    )


# --- Fisher's exact test ---------------------------------------------------------------------
class _NoncentralHypergeometric:
    """The conditional distribution of the (1,1) cell given the margins, as in R's code."""

    def __init__(self, table: NDArray[np.int64]) -> None:
        self.x = int(table[0, 0])
        m = int(table[:, 0].sum())
        n = int(table[:, 1].sum())
        k = int(table[0, :].sum())
        self.lo = max(0, k - n)
        self.hi = min(k, m)
        self.support = np.arange(self.lo, self.hi + 1)
        self.logdc = stats.hypergeom.logpmf(self.support, m + n, m, k)

    def density(self, theta: float) -> NDArray[np.float64]:
        """Probabilities over the support for log odds ratio ``theta``."""
        d = self.logdc + theta * self.support
        d = np.exp(d - d.max())
        return d / d.sum()

    def mean(self, theta: float) -> float:
        return float((self.support * self.density(theta)).sum())

    def cdf(self, q: int, theta: float, *, upper: bool) -> float:
        d = self.density(theta)
        return float(d[self.support >= q].sum() if upper else d[self.support <= q].sum())


def _solve_theta(func: object, target: float) -> float:
    """Root in log-odds of a function increasing or decreasing in theta, bracket expanded."""
    f = func  # type: ignore[assignment]
    lo, hi = -1.0, 1.0
    for _ in range(12):
        if (f(lo) - target) * (f(hi) - target) <= 0:  # type: ignore[operator]
            break
        lo, hi = lo * 2, hi * 2
    return float(
        optimize.brentq(lambda t: f(t) - target, lo, hi, xtol=1e-13, rtol=4 * np.finfo(float).eps)  # type: ignore[operator]
    )


def _fisher_2x2(table: NDArray[np.int64], alternative: str, alpha: float) -> FisherResult:
    dist = _NoncentralHypergeometric(table)
    x, lo, hi = dist.x, dist.lo, dist.hi

    if alternative == "less":
        p = dist.cdf(x, 0.0, upper=False)
    elif alternative == "greater":
        p = dist.cdf(x, 0.0, upper=True)
    else:
        d = dist.density(0.0)
        p = float(d[d <= d[x - lo] * _REL_ERR].sum())
    p = min(1.0, p)

    def upper_limit(level: float) -> float:
        if x == hi:
            return math.inf
        return math.exp(_solve_theta(lambda t: dist.cdf(x, t, upper=False), level))

    def lower_limit(level: float) -> float:
        if x == lo:
            return 0.0
        return math.exp(_solve_theta(lambda t: dist.cdf(x, t, upper=True), level))

    if alternative == "less":
        ci = (0.0, upper_limit(alpha))
    elif alternative == "greater":
        ci = (lower_limit(alpha), math.inf)
    else:
        ci = (lower_limit(alpha / 2), upper_limit(alpha / 2))

    if lo == hi:
        estimate = _NAN
    elif x == lo:
        estimate = 0.0
    elif x == hi:
        estimate = math.inf
    else:
        estimate = math.exp(_solve_theta(dist.mean, float(x)))

    a, b, c, dd = (float(v) for v in table.ravel())
    with np.errstate(divide="ignore", invalid="ignore"):
        sample = float(np.float64(a * dd) / np.float64(b * c))
    note = "a margin is zero: the odds ratio is not estimable" if lo == hi else ""
    return FisherResult(
        p_value=p,
        odds_ratio=estimate,
        odds_ratio_low=ci[0] if lo != hi else _NAN,
        odds_ratio_high=ci[1] if lo != hi else _NAN,
        sample_odds_ratio=sample,
        alternative=alternative,
        alpha=alpha,
        shape=(2, 2),
        note=note,
    )


@lru_cache(maxsize=200_000)
def _compositions(total: int, bounds: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """All vectors of non-negative integers summing to ``total`` with ``x[i] <= bounds[i]``."""
    if not bounds:
        return ((),) if total == 0 else ()
    out: list[tuple[int, ...]] = []
    rest = sum(bounds[1:])
    for first in range(max(0, total - rest), min(bounds[0], total) + 1):
        for tail in _compositions(total - first, bounds[1:]):
            out.append((first, *tail))
    return tuple(out)


def _fisher_rxc_pvalue(table: NDArray[np.int64], max_nodes: int) -> float:
    """Exact p-value of Fisher's test on an r x c table (a network algorithm).

    Tables are built one column at a time. A node is the vector of row totals still to be
    filled; paths reaching a node with the same probability are merged. At each node the
    longest and shortest completions (exact, by dynamic programming) decide whether every
    completion counts (closed-form sum), none does, or the node must be expanded. The
    p-value sums the probabilities of tables no more probable than the observed one, with
    R's relative tolerance of 1e-7.
    """
    t = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if t.shape[0] < 2 or t.shape[1] < 2:
        return 1.0
    if t.shape[0] > t.shape[1]:
        t = t.T
    rows = tuple(sorted(int(v) for v in t.sum(axis=1)))
    cols = tuple(sorted((int(v) for v in t.sum(axis=0)), reverse=True))
    n_total = sum(rows)
    lf = [math.lgamma(i + 1) for i in range(n_total + 1)]
    const = sum(lf[r] for r in rows) - lf[n_total]
    observed = sum(lf[int(c)] for c in t.sum(axis=0)) - sum(lf[int(v)] for v in t.ravel())
    threshold = observed + math.log(_REL_ERR)
    n_cols = len(cols)

    def column_weight(j: int, x: tuple[int, ...]) -> float:
        return lf[cols[j]] - sum(lf[v] for v in x)

    @cache
    def extremes(j: int, remaining: tuple[int, ...]) -> tuple[float, float]:
        if j == n_cols - 1:
            w = column_weight(j, remaining)
            return w, w
        best, worst = -math.inf, math.inf
        for x in _compositions(cols[j], remaining):
            nxt = tuple(sorted(r - v for r, v in zip(remaining, x, strict=True)))
            hi_, lo_ = extremes(j + 1, nxt)
            w = column_weight(j, x)
            best = max(best, w + hi_)
            worst = min(worst, w + lo_)
        return best, worst

    def log_total(remaining: tuple[int, ...]) -> float:
        return lf[sum(remaining)] - sum(lf[r] for r in remaining)

    p = 0.0
    nodes = 0
    stage: dict[tuple[int, ...], dict[int, list[float]]] = {rows: {0: [0.0, 1.0]}}
    for j in range(n_cols):
        nxt_stage: dict[tuple[int, ...], dict[int, list[float]]] = {}
        for remaining, paths in stage.items():
            hi_, lo_ = extremes(j, remaining)
            moves: list[tuple[dict[int, list[float]], float]] | None = None
            for logw, count in paths.values():
                nodes += 1
                if nodes > max_nodes:
                    raise DataValidationError(
                        f"The r x c table is too large for the exact test (more than "
                        f"{max_nodes} network nodes). Collapse sparse rows or columns, or "
                        "use a chi-square test."
                    )
                if logw + hi_ <= threshold:
                    p += count * math.exp(const + logw + log_total(remaining))
                    continue
                if logw + lo_ > threshold:
                    continue
                if moves is None:
                    moves = []
                    for x in _compositions(cols[j], remaining):
                        rest = tuple(sorted(r - v for r, v in zip(remaining, x, strict=True)))
                        moves.append((nxt_stage.setdefault(rest, {}), column_weight(j, x)))
                for bucket, step in moves:
                    w = logw + step
                    key = round(w * 1e9)
                    entry = bucket.get(key)
                    if entry is None:
                        bucket[key] = [w, count]
                    else:
                        entry[1] += count
        stage = nxt_stage
    return min(1.0, p)


def fisher_exact(
    table: ArrayLike,
    alternative: Alternative = "two-sided",
    *,
    alpha: float = 0.05,
    max_nodes: int = 2_000_000,
) -> FisherResult:
    """Fisher's exact test on a 2 x 2 or r x c table, following R's ``fisher.test``.

    For a 2 x 2 table the odds ratio reported is the **conditional maximum-likelihood
    estimate** with its exact conditional interval, as in R. (``scipy.stats.fisher_exact``
    reports the sample odds ratio ``ad/bc``, which is kept here as ``sample_odds_ratio``.)
    The two-sided p-value sums the probabilities of all tables no more probable than the
    observed one. For larger tables the p-value is exact (a network algorithm, like R's
    FEXACT) and the odds ratio fields are NaN; ``alternative`` must be ``"two-sided"``.

    Parameters
    ----------
    table : array_like of int
        A 2 x 2 table ``[[events_1, non_events_1], [events_2, non_events_2]]`` or an r x c
        table of counts.
    alternative : {"two-sided", "less", "greater"}
        Alternative hypothesis for the odds ratio of a 2 x 2 table.
    alpha : float, default 0.05
        One minus the confidence level of the odds-ratio interval.
    max_nodes : int
        Work limit for r x c tables; larger problems raise an error instead of running for
        hours.

    Examples
    --------
    >>> r = fisher_exact([[3, 1], [1, 3]])
    >>> round(r.p_value, 4), round(r.odds_ratio, 4), r.sample_odds_ratio
    (0.4857, 6.4083, 9.0)
    """
    alpha = _check_alpha(alpha)
    if alternative not in _ALTERNATIVES:
        raise DataValidationError(
            f"alternative must be one of {_ALTERNATIVES}; got {alternative!r}."
        )
    arr = np.asarray(table)
    if arr.ndim != 2 or min(arr.shape) < 2:
        raise DataValidationError(
            f"fisher_exact needs a two-dimensional table with at least 2 rows and 2 columns; "
            f"got an array of shape {arr.shape}."
        )
    flat = [_check_count(v, "every table cell") for v in arr.ravel()]
    tab = np.array(flat, dtype=np.int64).reshape(arr.shape)
    if tab.shape == (2, 2):
        return _fisher_2x2(tab, alternative, alpha)
    if alternative != "two-sided":
        raise DataValidationError(
            f"For a {tab.shape[0]} x {tab.shape[1]} table only alternative='two-sided' exists; "
            f"got {alternative!r}."
        )
    p = _fisher_rxc_pvalue(tab, max_nodes)
    return FisherResult(
        p_value=p,
        odds_ratio=_NAN,
        odds_ratio_low=_NAN,
        odds_ratio_high=_NAN,
        sample_odds_ratio=_NAN,
        alternative=alternative,
        alpha=alpha,
        shape=(int(tab.shape[0]), int(tab.shape[1])),
        note="odds ratio defined only for 2 x 2 tables",
    )

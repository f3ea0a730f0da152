"""Power: the smallest disparity a cell of a given size could detect."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from paritykit.errors import DataValidationError

__all__ = ["detectable_ratio", "power_two_proportions"]


def power_two_proportions(
    p1: NDArray[np.float64] | float,
    p0: NDArray[np.float64] | float,
    n1: NDArray[np.float64] | float,
    n0: NDArray[np.float64] | float,
    alpha: float = 0.05,
) -> NDArray[np.float64]:
    """Approximate power of the two-sided Pearson chi-square (pooled z) test.

    ``power = Phi((|p1 - p0| - z * sqrt(pbar (1 - pbar) (1/n1 + 1/n0))) /
    sqrt(p1 (1 - p1) / n1 + p0 (1 - p0) / n0))`` with ``pbar`` the pooled rate and ``z`` the
    ``1 - alpha/2`` normal quantile: the variance under the null is pooled, under the
    alternative unpooled. With ``n1 == n0`` this is R's ``power.prop.test`` (``strict =
    FALSE``).

    Examples
    --------
    >>> float(power_two_proportions(0.75, 0.5, 50, 50).round(4))
    0.7402
    """
    p1, p0, n1, n0 = (np.asarray(v, dtype=float) for v in (p1, p0, n1, n0))
    z = stats.norm.ppf(1 - alpha / 2)
    pbar = (n1 * p1 + n0 * p0) / (n1 + n0)
    with np.errstate(divide="ignore", invalid="ignore"):
        num = np.abs(p1 - p0) - z * np.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n0))
        den = np.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
        return np.asarray(stats.norm.cdf(num / den), dtype=float)


def _detectable_array(
    ms_rate: NDArray[np.float64],
    n1: NDArray[np.float64],
    n0: NDArray[np.float64],
    alpha: float,
    power: float,
    direction: str,
) -> NDArray[np.float64]:
    """Vectorised bisection on the MH/SUD rate; returns the rate ratio (NaN/inf policy)."""
    p0 = np.asarray(ms_rate, dtype=float)
    n1 = np.asarray(n1, dtype=float)
    n0 = np.asarray(n0, dtype=float)
    valid = (n1 > 0) & (n0 > 0) & (p0 > 0) & (p0 < 1)
    p0s = np.where(valid, p0, 0.5)
    n1s = np.where(valid, n1, 1.0)
    n0s = np.where(valid, n0, 1.0)
    end = np.ones_like(p0s) if direction == "higher" else np.zeros_like(p0s)
    reachable = power_two_proportions(end, p0s, n1s, n0s, alpha) >= power
    lo, hi = p0s.copy(), end.copy()  # power(lo) < target, power(hi) >= target
    for _ in range(80):
        mid = (lo + hi) / 2
        ok = power_two_proportions(mid, p0s, n1s, n0s, alpha) >= power
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    ratio = hi / p0s
    if direction == "higher":
        ratio = np.where(reachable, ratio, np.inf)
    else:
        ratio = np.where(reachable, ratio, 0.0)
    return np.where(valid, ratio, np.nan)


def detectable_ratio(
    ms_rate: float,
    mhsud_trials: float,
    ms_trials: float,
    alpha: float = 0.05,
    power: float = 0.8,
    *,
    direction: Literal["higher", "lower"] = "higher",
) -> float:
    """The smallest MH/SUD-to-M/S rate ratio a cell can detect with the given power.

    Solves :func:`power_two_proportions` for the MH/SUD rate ``p1 = ratio * ms_rate`` at the
    cell's own sample sizes (the chi-square test that :func:`paritykit.compare_rates` uses for
    cells of this size) and returns ``p1 / ms_rate``. Shown next to a non-significant result
    it says how large a disparity could have gone unseen.

    Parameters
    ----------
    ms_rate : float
        The M/S rate (taken as the true rate), strictly between 0 and 1.
    mhsud_trials, ms_trials : float
        Trials (claims, requests) on each side.
    alpha : float, default 0.05
        Two-sided significance level. Pass the level the test is judged at; after a
        multiple-comparison adjustment the real threshold is smaller, so this is optimistic.
    power : float, default 0.8
        Required power.
    direction : {"higher", "lower"}
        Whether the disparity of interest is a higher MH/SUD rate (ratio above 1) or a lower
        one (ratio below 1).

    Returns
    -------
    float
        The ratio; ``inf`` (``0.0`` for ``direction="lower"``) when no rate up to 1 (down to
        0) reaches the power; NaN when ``ms_rate`` is 0 or 1 or a trial count is 0.

    Examples
    --------
    >>> round(detectable_ratio(0.1, 1000, 1000), 3)
    1.407
    """
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise DataValidationError(
            f"alpha and power must be strictly between 0 and 1; got alpha={alpha!r}, "
            f"power={power!r}."
        )
    if direction not in ("higher", "lower"):
        raise DataValidationError(f"direction must be 'higher' or 'lower'; got {direction!r}.")
    for name, value in (("ms_rate", ms_rate), ("mhsud_trials", mhsud_trials),
                        ("ms_trials", ms_trials)):  # fmt: skip
        if value is None or not math.isfinite(float(value)) or float(value) < 0:
            raise DataValidationError(f"{name} must be a non-negative number; got {value!r}.")
    out = _detectable_array(
        np.array([ms_rate]),
        np.array([mhsud_trials]),
        np.array([ms_trials]),
        alpha,
        power,
        direction,
    )
    return float(out[0])

"""Continuous measures (reimbursement as a share of a benchmark, decision days) by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from paritykit import columns as col
from paritykit.errors import ConfigurationError, DataValidationError
from paritykit.stats._input import as_keys, check_columns, normalize_sides
from paritykit.stats.multiple import CORRECTIONS, Correction, adjust_p_values
from paritykit.stats.proportions import _check_alpha
from paritykit.vocab import MHSUD, MS

__all__ = ["DISTRIBUTION_COLUMNS", "compare_distributions", "rank_test"]

RankTest = Literal["brunner_munzel", "mann_whitney"]

#: Columns of the :func:`compare_distributions` table after the grouping columns, in order.
DISTRIBUTION_COLUMNS: tuple[str, ...] = (
    col.MHSUD_N,
    col.MHSUD_MEDIAN,
    col.MS_N,
    col.MS_MEDIAN,
    col.MEDIAN_RATIO,
    col.MEDIAN_RATIO_LOW,
    col.MEDIAN_RATIO_HIGH,
    col.RELATIVE_EFFECT,
    col.STATISTIC,
    col.P_VALUE,
    col.P_ADJUSTED,
    col.TEST,
    col.FLAGGED,
    col.NOTE,
)

#: Above this many elements per chunk the bootstrap is drawn in pieces (memory bound).
_CHUNK_ELEMENTS = 4_000_000


def rank_test(
    x: np.ndarray, y: np.ndarray, *, test: RankTest = "brunner_munzel"
) -> tuple[float, float, str]:
    """Two-sided rank test of ``x`` (MH/SUD) against ``y`` (M/S): statistic, p-value, name.

    ``"mann_whitney"`` reproduces R's ``wilcox.test(x, y)``: exact when both samples have
    fewer than 50 values and there are no ties, otherwise the normal approximation with
    continuity and tie corrections. ``"brunner_munzel"`` (Brunner and Munzel 2000, t
    approximation, ``scipy.stats.brunnermunzel``) tests ``P(X > Y) + P(X = Y)/2 = 1/2``
    without assuming equal shapes or variances.

    Examples
    --------
    >>> stat, p, name = rank_test(np.array([1.1, 2.2, 3.3]), np.array([4.4, 5.5, 6.6]),
    ...                           test="mann_whitney")
    >>> stat, round(p, 2), name
    (0.0, 0.1, 'mann_whitney_exact')
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if test == "mann_whitney":
        ties = len(np.unique(np.concatenate([x, y]))) < len(x) + len(y)
        exact = len(x) < 50 and len(y) < 50 and not ties
        res = stats.mannwhitneyu(
            x, y, alternative="two-sided", use_continuity=True,
            method="exact" if exact else "asymptotic",
        )  # fmt: skip
        name = "mann_whitney_exact" if exact else "mann_whitney_normal"
        return float(res.statistic), float(res.pvalue), name
    if test == "brunner_munzel":
        with np.errstate(divide="ignore", invalid="ignore"), _Quiet():
            res = stats.brunnermunzel(x, y, alternative="two-sided", distribution="t")
        return float(res.statistic), float(res.pvalue), "brunner_munzel"
    raise ConfigurationError(f"test must be 'brunner_munzel' or 'mann_whitney'; got {test!r}.")


class _Quiet:
    def __enter__(self) -> None:
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(*exc)


def _relative_effect(x: np.ndarray, y: np.ndarray) -> float:
    """``P(X > Y) + P(X = Y) / 2`` from mid-ranks."""
    ranks = stats.rankdata(np.concatenate([x, y]))
    return float((ranks[: len(x)].mean() - (len(x) + 1) / 2) / len(y))


def _bootstrap_ratio(
    x: np.ndarray, y: np.ndarray, n_boot: int, rng: np.random.Generator, alpha: float
) -> tuple[float, float]:
    """Percentile interval of ``median(x*) / median(y*)``, resampling each side separately."""
    ratios = np.empty(n_boot)
    chunk = max(1, _CHUNK_ELEMENTS // max(len(x), len(y)))
    start = 0
    while start < n_boot:
        size = min(chunk, n_boot - start)
        mx = np.median(x[rng.integers(0, len(x), size=(size, len(x)))], axis=1)
        my = np.median(y[rng.integers(0, len(y), size=(size, len(y)))], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios[start : start + size] = mx / my
        start += size
    ratios = ratios[~np.isnan(ratios)]
    if len(ratios) == 0:
        return np.nan, np.nan
    low, high = np.quantile(ratios, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def compare_distributions(
    data: pd.DataFrame,
    *,
    value: str,
    worse: Literal["higher", "lower"],
    by: Sequence[str] | str = (),
    alpha: float = 0.05,
    correction: Correction = "fdr_bh",
    test: RankTest = "brunner_munzel",
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Compare a continuous measure between MH/SUD and M/S, one row per group.

    For each group: the number of values and the median on each side, the ratio of medians
    (MH/SUD over M/S) with a seeded percentile bootstrap interval (each side resampled on
    its own), the relative effect ``P(MH/SUD > M/S) + P(tie)/2``, and a two-sided rank test
    (Brunner-Munzel by default, or Mann-Whitney) with its p-value adjusted across groups.
    ``flagged`` is true when the adjusted p-value is below ``alpha`` and the relative effect
    points the way that disfavours MH/SUD.

    Typical measures: allowed amount per unit as a share of a benchmark fee (``worse=
    "lower"``), prior-authorization decision days (``worse="higher"``).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per claim (or unit) with a ``side`` column and the ``value`` column. Missing
        values are dropped and counted in ``note``.
    value : str
        The measure's column.
    worse : {"higher", "lower"}
        Which direction disfavours MH/SUD. Required: there is no safe default.
    by : str or sequence of str
        Grouping columns; ``()`` (default) compares all rows at once.
    alpha : float, default 0.05
        Significance level; the bootstrap interval has level ``1 - alpha``.
    correction : str, default "fdr_bh"
        Multiple-comparison adjustment across groups (see :func:`adjust_p_values`).
    test : {"brunner_munzel", "mann_whitney"}
        Rank test.
    n_boot : int, default 2000
        Bootstrap resamples per group.
    seed : int, default 0
        Seed of the bootstrap; the same seed gives the same intervals.

    Returns
    -------
    pandas.DataFrame
        The grouping columns followed by :data:`DISTRIBUTION_COLUMNS`.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"side": ["mhsud"] * 4 + ["ms"] * 4,
    ...                   "share": [0.7, 0.8, 0.75, 0.72, 1.0, 1.1, 0.95, 1.05]})
    >>> t = compare_distributions(d, value="share", worse="lower", n_boot=200)
    >>> float(t.loc[0, "median_ratio"].round(3)), float(t.loc[0, "relative_effect"])
    (0.717, 0.0)
    """
    alpha = _check_alpha(alpha)
    if worse not in ("higher", "lower"):
        raise ConfigurationError(f"worse must be 'higher' or 'lower'; got {worse!r}.")
    if test not in ("brunner_munzel", "mann_whitney"):
        raise ConfigurationError(f"test must be 'brunner_munzel' or 'mann_whitney'; got {test!r}.")
    if correction not in CORRECTIONS:
        raise ConfigurationError(f"correction must be one of {CORRECTIONS}; got {correction!r}.")
    if not isinstance(n_boot, int) or n_boot < 100:
        raise ConfigurationError(f"n_boot must be a whole number of at least 100; got {n_boot!r}.")
    keys = as_keys(by)
    frame = check_columns(data, [*keys, col.SIDE, value], "data")
    values = pd.to_numeric(frame[value], errors="coerce")
    bad = values.isna() & frame[value].notna()
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataValidationError(
            f"{int(bad.sum())} value(s) in column {value!r} are not numbers (first at row "
            f"{first + 1}: {frame[value].iloc[first]!r}). Convert the column to numbers first."
        )
    work = pd.DataFrame(
        {**{k: frame[k].to_numpy() for k in keys},
         col.SIDE: normalize_sides(frame, "data").to_numpy(),
         "_v": values.to_numpy(dtype=float), "_all": 0}
    )  # fmt: skip
    group_keys = keys or ["_all"]
    groups = list(work.groupby(group_keys, sort=True, observed=True, dropna=False))
    seeds = np.random.SeedSequence(seed).spawn(max(len(groups), 1))
    rows = []
    for (key, part), seq in zip(groups, seeds, strict=False):
        key_tuple = key if isinstance(key, tuple) else (key,)
        x_all = part.loc[part[col.SIDE] == MHSUD, "_v"].to_numpy()
        y_all = part.loc[part[col.SIDE] == MS, "_v"].to_numpy()
        x, y = x_all[~np.isnan(x_all)], y_all[~np.isnan(y_all)]
        notes = []
        dropped = (len(x_all) - len(x)) + (len(y_all) - len(y))
        if dropped:
            notes.append(f"{dropped} missing value(s) left out")
        row: dict[str, object] = dict(zip(group_keys, key_tuple, strict=True))
        row.update({col.MHSUD_N: len(x), col.MS_N: len(y)})
        nan = np.nan
        med_x = float(np.median(x)) if len(x) else nan
        med_y = float(np.median(y)) if len(y) else nan
        ratio = low = high = effect = stat = p = nan
        name = "not tested"
        minimum = 2 if test == "brunner_munzel" else 1
        if len(x) < minimum or len(y) < minimum:
            notes.append(f"fewer than {minimum} value(s) on a side")
        else:
            effect = _relative_effect(x, y)
            stat, p, name = rank_test(x, y, test=test)
            if np.isnan(p) and test == "brunner_munzel" and effect in (0.0, 1.0):
                stat, p, name = rank_test(x, y, test="mann_whitney")
                notes.append("the samples do not overlap, so the Brunner-Munzel variance is "
                             "zero: Mann-Whitney used")  # fmt: skip
            if np.isnan(p):
                notes.append("the rank test is undefined (e.g. every value is the same)")
            if med_y > 0 and med_x >= 0:
                ratio = med_x / med_y
                low, high = _bootstrap_ratio(x, y, n_boot, np.random.default_rng(seq), alpha)
            else:
                notes.append("the M/S median is not positive: ratio of medians undefined")
        row.update({
            col.MHSUD_MEDIAN: med_x, col.MS_MEDIAN: med_y, col.MEDIAN_RATIO: ratio,
            col.MEDIAN_RATIO_LOW: low, col.MEDIAN_RATIO_HIGH: high, col.RELATIVE_EFFECT: effect,
            col.STATISTIC: stat, col.P_VALUE: p, col.TEST: name, col.NOTE: "; ".join(notes),
        })  # fmt: skip
        rows.append(row)
    out = pd.DataFrame(rows, columns=[*group_keys, *DISTRIBUTION_COLUMNS])
    out[col.P_ADJUSTED] = adjust_p_values(out[col.P_VALUE].to_numpy(dtype=float),
                                          method=correction)  # fmt: skip
    effect_arr = out[col.RELATIVE_EFFECT].to_numpy(dtype=float)
    direction = effect_arr > 0.5 if worse == "higher" else effect_arr < 0.5
    out[col.FLAGGED] = (out[col.P_ADJUSTED].to_numpy() < alpha) & direction
    if not keys:
        out = out.drop(columns="_all")
    return out.reset_index(drop=True)

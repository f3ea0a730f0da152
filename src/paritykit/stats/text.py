"""Plain-English sentences for statistical results, phrased as warning signs.

A disparity in outcomes is evidence that calls for the plan's comparative analysis (the
processes, strategies, evidentiary standards and other factors behind a limitation); it is
never by itself a finding that the plan violates the law. The sentences here say what the
numbers show and, where nothing was found, how large a disparity the data could have found.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from paritykit import columns as col

if TYPE_CHECKING:
    from paritykit.stats.results import DisparityModelResult, StratifiedResult

__all__ = [
    "distribution_sentences",
    "format_interval",
    "format_p",
    "format_percent",
    "rate_comparison_sentence",
    "rate_sentences",
]

WARNING_SIGN = (
    "This is a warning sign that calls for the plan's comparative analysis, "
    "not a finding of a violation."
)

_LABELS = {
    "in_network": "in-network",
    "out_of_network": "out-of-network",
}


def format_percent(value: float, digits: int = 1) -> str:
    """Format a proportion as a percentage (``0.142 -> '14.2%'``).

    >>> format_percent(0.1423)
    '14.2%'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{100 * value:.{digits}f}%"


def format_points(value: float) -> str:
    """Format a difference of proportions in percentage points.

    >>> format_points(0.061)
    '6.1 percentage points'
    """
    return f"{100 * value:.1f} percentage points"


def format_p(p: float, *, adjusted: bool = False) -> str:
    """Format a p-value the way the evidence pack prints it.

    >>> format_p(0.00001), format_p(0.0312, adjusted=True)
    ('p < 0.001', 'adjusted p = 0.031')
    """
    name = "adjusted p" if adjusted else "p"
    if p is None or math.isnan(p):
        return f"{name} not available"
    if p < 0.001:
        return f"{name} < 0.001"
    return f"{name} = {p:.3f}" if p < 0.1 else f"{name} = {p:.2f}"


def format_interval(
    low: float, high: float, alpha: float, *, percent: bool = False, unit: str = ""
) -> str:
    """Format a confidence interval (``'95% CI 1.61-1.90'``).

    >>> format_interval(1.6123, 1.9, 0.05)
    '95% CI 1.61-1.90'
    """
    level = f"{100 * (1 - alpha):g}% CI"
    if any(v is None or math.isnan(v) for v in (low, high)):
        return f"{level} not available"
    if percent:
        return f"{level} {format_percent(low)}-{format_percent(high)}"
    hi = "infinity" if math.isinf(high) else f"{high:.2f}"
    return f"{level} {low:.2f}-{hi}{unit}"


def describe_group(values: dict[str, Any]) -> str:
    """Turn group keys into words (``classification='outpatient_in_network'`` ->
    ``'outpatient in-network'``).

    >>> describe_group({"plan_id": "P1", "classification": "outpatient_in_network"})
    'plan P1, outpatient in-network'
    """
    parts = []
    for key, value in values.items():
        text = str(value)
        if key == col.CLASSIFICATION:
            for raw, nice in _LABELS.items():
                text = text.replace(raw, nice)
            parts.append(text.replace("_", " "))
        elif key == col.PLAN_ID:
            parts.append(f"plan {text}")
        else:
            parts.append(f"{key.replace('_', ' ')} {text}")
    return ", ".join(parts)


def rate_comparison_sentence(
    *,
    mhsud_rate: float,
    ms_rate: float,
    ratio: float,
    low: float,
    high: float,
    p_value: float,
    alpha: float,
    adjusted: bool,
    where: str = "",
    subject: str = "claims",
    verb: str = "denied",
    detectable: float = math.nan,
    flagged: bool | None = None,
    note: str = "",
) -> str:
    """One sentence comparing an MH/SUD rate with the M/S rate.

    >>> s = rate_comparison_sentence(mhsud_rate=0.142, ms_rate=0.081, ratio=1.75, low=1.61,
    ...     high=1.90, p_value=0.0001, alpha=0.05, adjusted=True, where="outpatient in-network")
    >>> print(s[:66]); print(s[66:132])
    MH/SUD claims in outpatient in-network were denied at 14.2% vs 8.1
    % for M/S (ratio 1.75, 95% CI 1.61-1.90; adjusted p < 0.001). This
    """
    place = f" in {where}" if where else ""
    if math.isnan(p_value) or math.isnan(mhsud_rate) or math.isnan(ms_rate):
        why = note or "too little data"
        return f"MH/SUD and M/S {subject}{place} could not be compared ({why})."
    if math.isnan(ratio):
        ratio_text = f"ratio not estimable: {note}" if note else "ratio not estimable"
    else:
        ratio_text = f"ratio {ratio:.2f}, {format_interval(low, high, alpha)}"
    head = (
        f"MH/SUD {subject}{place} were {verb} at {format_percent(mhsud_rate)} vs "
        f"{format_percent(ms_rate)} for M/S ({ratio_text}; {format_p(p_value, adjusted=adjusted)})."
    )
    significant = p_value < alpha if flagged is None else flagged
    if significant:
        return f"{head} {WARNING_SIGN}"
    tail = " The difference could be chance at this sample size."
    if not math.isnan(detectable):
        if math.isinf(detectable):
            tail += " These counts are too small to detect any disparity reliably"
        else:
            tail += f" Only a ratio beyond about {detectable:.2f} would be detected with 80% power"
        tail += ", so this is not evidence that the plan is at parity."
    return head + tail


def rate_sentences(
    table: pd.DataFrame,
    *,
    by: Sequence[str] | str = (col.PLAN_ID, col.CLASSIFICATION),
    subject: str = "claims",
    verb: str = "denied",
    alpha: float = 0.05,
) -> pd.Series:
    """One sentence per row of a :func:`paritykit.compare_rates` table.

    Examples
    --------
    >>> import pandas as pd
    >>> from paritykit.stats import compare_rates
    >>> s = pd.DataFrame({"side": ["mhsud", "ms"], "denied": [30, 20], "claims": [100, 200]})
    >>> rate_sentences(compare_rates(s, by=()), by=()).iloc[0][:40]
    'MH/SUD claims were denied at 30.0% vs 10'
    """
    keys = [by] if isinstance(by, str) else list(by)
    out = []
    for _, row in table.iterrows():
        out.append(
            rate_comparison_sentence(
                mhsud_rate=float(row[col.MHSUD_RATE]),
                ms_rate=float(row[col.MS_RATE]),
                ratio=float(row[col.RATE_RATIO]),
                low=float(row[col.RATE_RATIO_LOW]),
                high=float(row[col.RATE_RATIO_HIGH]),
                p_value=float(row[col.P_ADJUSTED]),
                alpha=alpha,
                adjusted=True,
                where=describe_group({k: row[k] for k in keys}),
                subject=subject,
                verb=verb,
                detectable=float(row[col.DETECTABLE_RATIO]),
                flagged=bool(row[col.FLAGGED]),
                note=str(row[col.NOTE]),
            )
        )
    return pd.Series(out, index=table.index, name="sentence")


def distribution_sentences(
    table: pd.DataFrame,
    *,
    by: Sequence[str] | str = (),
    measure: str = "the measure",
    alpha: float = 0.05,
) -> pd.Series:
    """One sentence per row of a :func:`paritykit.compare_distributions` table.

    Examples
    --------
    >>> import pandas as pd
    >>> from paritykit.stats import compare_distributions
    >>> d = pd.DataFrame({"side": ["mhsud"] * 5 + ["ms"] * 5,
    ...                   "x": [0.7, 0.8, 0.75, 0.72, 0.9, 1.0, 1.1, 0.95, 1.05, 1.2]})
    >>> t = compare_distributions(d, value="x", worse="lower", n_boot=200)
    >>> distribution_sentences(t, measure="allowed amount as a share of Medicare").iloc[0][:50]
    'The median allowed amount as a share of Medicare f'
    """
    keys = [by] if isinstance(by, str) else list(by)
    out = []
    for _, row in table.iterrows():
        where = describe_group({k: row[k] for k in keys})
        place = f" in {where}" if where else ""
        p = float(row[col.P_ADJUSTED])
        if math.isnan(p) or math.isnan(float(row[col.MEDIAN_RATIO])):
            why = row[col.NOTE] or "too little data"
            out.append(f"The {measure}{place} could not be compared ({why}).")
            continue
        head = (
            f"The median {measure} for MH/SUD{place} was {row[col.MHSUD_MEDIAN]:.3g} vs "
            f"{row[col.MS_MEDIAN]:.3g} for M/S (ratio of medians {row[col.MEDIAN_RATIO]:.2f}, "
            f"{format_interval(row[col.MEDIAN_RATIO_LOW], row[col.MEDIAN_RATIO_HIGH], alpha)}; "
            f"{row[col.TEST]} {format_p(p, adjusted=True)})."
        )
        if bool(row[col.FLAGGED]):
            out.append(f"{head} {WARNING_SIGN}")
        else:
            out.append(f"{head} The difference could be chance or favours MH/SUD.")
    return pd.Series(out, index=table.index, name="sentence")


_STRATUM_NAMES = {"plan_id": "plan", "classification": "classification", "state": "state"}


def stratified_sentence(result: StratifiedResult) -> str:
    """Sentence for a :class:`~paritykit.stats.results.StratifiedResult`."""
    if math.isnan(result.mh_odds_ratio):
        return f"The pooled within-stratum comparison could not be computed ({result.note})."
    names = [_STRATUM_NAMES.get(s, s.replace("_", " ")) for s in result.strata_columns]
    strata = ("each " + " and ".join(names)) if names else "the single stratum"
    text = (
        f"Within {strata}, MH/SUD {result.trials} had {result.mh_odds_ratio:.2f} times the odds "
        f"of being {result.events} compared with M/S (Mantel-Haenszel, "
        f"{format_interval(result.mh_odds_ratio_low, result.mh_odds_ratio_high, result.alpha)}; "
        f"CMH {format_p(result.cmh.p_value)}); the crude odds ratio ignoring the strata is "
        f"{result.crude.odds_ratio:.2f}."
    )
    if result.direction_reversed:
        text += (
            " The crude and within-stratum comparisons point in opposite directions "
            "(Simpson's paradox): pooling across strata misleads here."
        )
    bd = result.breslow_day
    if not math.isnan(bd.p_value) and bd.p_value < result.alpha:
        text += (
            f" The odds ratio differs between strata (Breslow-Day {format_p(bd.p_value)}), "
            "so look at the strata one by one."
        )
    if result.cmh.p_value < result.alpha and result.mh_odds_ratio > 1:
        text += f" {WARNING_SIGN}"
    return text


def model_sentence(result: DisparityModelResult) -> str:
    """Sentence for a :class:`~paritykit.stats.results.DisparityModelResult`."""
    if math.isnan(result.odds_ratio):
        return f"The model could not estimate an MH/SUD effect ({result.note})."
    adj = ", ".join(c.replace("_", " ") for c in result.covariates) or "nothing"
    errors = (
        f", standard errors robust to clustering by {result.cluster.replace('_', ' ')}"
        if result.cluster
        else ""
    )
    text = (
        f"Adjusted for {adj}, MH/SUD {result.trials} had {result.odds_ratio:.2f} times the odds "
        f"of being {result.events} compared with M/S "
        f"({format_interval(result.odds_ratio_low, result.odds_ratio_high, result.alpha)}; "
        f"{format_p(result.p_value)}{errors})."
    )
    if result.p_value < result.alpha and result.odds_ratio > 1:
        text += f" {WARNING_SIGN}"
    return text

"""Chart of payer denial rates with their intervals (drawing only; the analysis computes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from paritykit import columns as C
from paritykit.errors import ConfigurationError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from paritykit.analysis.payers import PayerScorecard

__all__ = ["plot_payer_denial_rates"]

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies. Flagged payers
# also get a different marker, so colour is never the only cue.
_BLUE = "#0072B2"
_VERMILLION = "#D55E00"
_GREY = "#999999"


def plot_payer_denial_rates(
    scorecard: PayerScorecard | pd.DataFrame, *, ax: Axes | None = None
) -> Axes:
    """Dot plot of each payer's denial rate with its interval, and the all-payer rate.

    Parameters
    ----------
    scorecard : PayerScorecard or pandas.DataFrame
        From :func:`paritykit.payer_scorecard`, or its table (possibly after small-cell
        suppression: payers whose rate was withheld are listed as "suppressed", not drawn).
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted. Global style is never changed.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from paritykit import payer_scorecard, synthetic_remittances
    >>> card = payer_scorecard(synthetic_remittances(claims=300, seed=1).truth)
    >>> ax = plot_payer_denial_rates(card)
    >>> len(ax.get_yticklabels())
    4
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    table = scorecard.to_frame() if hasattr(scorecard, "to_frame") else scorecard
    if not isinstance(table, pd.DataFrame) or C.GROUPING not in table.columns:
        raise ConfigurationError(
            "plot_payer_denial_rates takes a PayerScorecard or its to_frame() table; got "
            f"{type(scorecard).__name__}."
        )
    payers = table[table[C.GROUPING] == "payer"].copy()
    if payers.empty:
        raise ConfigurationError("the scorecard has no payer rows to plot.")
    payers = payers.sort_values(C.PLAN_ID, ascending=False, kind="stable").reset_index(drop=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, max(2.2, 0.45 * len(payers) + 1.3)))
    y = list(range(len(payers)))
    rate = pd.to_numeric(payers[C.DENIAL_RATE], errors="coerce")
    low = pd.to_numeric(payers[C.DENIAL_RATE_LOW], errors="coerce")
    high = pd.to_numeric(payers[C.DENIAL_RATE_HIGH], errors="coerce")
    flagged = payers[C.FLAGGED].fillna(False).astype(bool)
    shown = rate.notna()
    for mask, colour, marker, label in (
        (shown & ~flagged, _BLUE, "o", "payer"),
        (shown & flagged, _VERMILLION, "D", "denies more than the other payers (flagged)"),
    ):
        if not mask.any():
            continue
        err: Any = [(rate - low)[mask].to_numpy(), (high - rate)[mask].to_numpy()]
        ax.errorbar(
            rate[mask], [y[i] for i in payers.index[mask]], xerr=err, fmt=marker, color=colour,
            ecolor=colour, markersize=6, capsize=3, linestyle="none", label=label,
        )  # fmt: skip
    for i in payers.index[~shown]:
        ax.annotate(
            "suppressed (fewer than 11)", (0, y[i]), xytext=(4, 0), textcoords="offset points",
            va="center", fontsize=8, color="#555555",
        )  # fmt: skip
    pooled = table[table[C.GROUPING] == "all_payers"]
    if len(pooled) and pd.notna(pooled[C.DENIAL_RATE].iloc[0]):
        ax.axvline(
            float(pooled[C.DENIAL_RATE].iloc[0]), color=_GREY, linestyle="--", linewidth=1,
            label="all payers",
        )  # fmt: skip
    ax.set_yticks(y)
    ax.set_yticklabels(payers[C.PLAN_ID].astype(str).tolist(), fontsize=9)
    ax.set_ylim(-0.7, len(payers) - 0.3)
    ax.set_xlim(left=0)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    alpha = getattr(scorecard, "alpha", None)
    level = f"{1 - alpha:.0%} " if alpha is not None else ""
    ax.set_xlabel(
        f"share of claim lines denied (dot) with {level}Wilson interval (bar)", fontsize=9
    )
    ax.set_title("Claim-line denial rate by payer", fontsize=10)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=8, frameon=False)
    return ax

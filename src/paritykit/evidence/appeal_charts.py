"""Chart of the practice's overturn rates by what the appeal contained (drawing only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from paritykit import columns as C
from paritykit.errors import ConfigurationError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from paritykit.analysis.appeal_outcomes import AppealOutcomes

__all__ = ["plot_appeal_outcomes"]

# Okabe-Ito colours; the published figures also differ in marker shape and fill.
_BLUE = "#0072B2"
_ORANGE = "#E69F00"
_LABELS = {
    C.CLINICAL_DOCUMENTATION: "clinical documentation",
    C.PROVIDER_LETTER: "provider letter",
    C.PARITY_CITED: "parity argument",
}


def plot_appeal_outcomes(
    outcomes: AppealOutcomes | pd.DataFrame,
    *,
    ax: Axes | None = None,
    alpha: float | None = None,
) -> Axes:
    """Dot plot of the overturn rate with and without each appeal content, beside published figures.

    Parameters
    ----------
    outcomes : AppealOutcomes or pandas.DataFrame
        From :func:`paritykit.appeal_outcomes`, or its table (possibly after
        :func:`paritykit.analysis.appeal_outcomes.suppress_appeal_outcomes`: rows whose rate
        was withheld say "suppressed" and are not drawn).
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    alpha : float, optional
        One minus the intervals' confidence level, for the legend (default: the outcomes').

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from paritykit.analysis.appeal_outcomes import appeal_outcomes
    >>> log = pd.DataFrame({"claim_id": ["A", "A"], "plan_id": ["P", "P"],
    ...     "event": ["appeal_filed", "appeal_decided"], "date": ["2024-03-01", "2024-04-01"],
    ...     "outcome": [None, "overturned"], "parity_cited": ["yes", None]})
    >>> ax = plot_appeal_outcomes(appeal_outcomes(log))
    >>> len(ax.get_yticklabels())
    6
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from paritykit.analysis.appeal_outcomes import PUBLISHED_SOURCE_LABEL

    table = outcomes.to_frame() if hasattr(outcomes, "to_frame") else outcomes
    if not isinstance(table, pd.DataFrame) or C.GROUPING not in table.columns:
        raise ConfigurationError(
            "plot_appeal_outcomes takes an AppealOutcomes or its to_frame() table; got "
            f"{type(outcomes).__name__}."
        )
    rows = []
    for col in C.APPEAL_CONTENTS:
        for value in ("yes", "no"):
            found = table[(table[C.GROUPING] == col) & (table[C.GROUP_VALUE] == value)]
            rec = found.iloc[0].to_dict() if len(found) else {}
            rows.append((f"{_LABELS[col]}: {value}", rec))
    rows = rows[::-1]  # first content on top
    alpha = getattr(outcomes, "alpha", None) if alpha is None else alpha
    level = f"{1 - alpha:.0%} " if alpha is not None else ""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6))
    y = list(range(len(rows)))
    drawn_own = drawn_published = False
    for i, (_label, rec) in enumerate(rows):
        rate = pd.to_numeric(pd.Series([rec.get(C.OVERTURN_RATE)]), errors="coerce").iloc[0]
        if pd.notna(rate):
            low = float(rec[C.OVERTURN_RATE_LOW])
            high = float(rec[C.OVERTURN_RATE_HIGH])
            err: Any = [[rate - low], [high - rate]]
            ax.errorbar(
                [rate], [i + 0.12], xerr=err, fmt="o", color=_BLUE, ecolor=_BLUE, markersize=6,
                capsize=3, label=None if drawn_own else f"your appeals ({level}Wilson interval)",
            )  # fmt: skip
            n = rec.get(C.APPEALS_DECIDED)
            ax.annotate(
                f"n={int(n)}" if pd.notna(n) else "", (high, i + 0.12), xytext=(4, 0),
                textcoords="offset points", va="center", fontsize=7, color="#333333",
            )  # fmt: skip
            drawn_own = True
        else:
            ax.annotate(
                "yours: suppressed (fewer than 11) or none" if rec else "yours: none recorded",
                (0, i + 0.12), xytext=(4, 0), textcoords="offset points", va="center",
                fontsize=7, color="#555555",
            )  # fmt: skip
        published = rec.get(C.PUBLISHED_RATE)
        if published is not None and pd.notna(published):
            ax.plot(
                [published], [i - 0.18], marker="D", markersize=6, linestyle="none",
                markerfacecolor="white", markeredgecolor=_ORANGE, markeredgewidth=1.6,
                label=None if drawn_published else "published figure (not verified)",
            )  # fmt: skip
            drawn_published = True
    ax.set_yticks(y)
    ax.set_yticklabels([label for label, _ in rows], fontsize=9)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("share of decided internal appeals overturned", fontsize=9)
    ax.set_title("What works: overturn rate by what the appeal contained", fontsize=10)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, fontsize=8, frameon=False)
    ax.figure.text(
        0.01, -0.16, f"Published: {PUBLISHED_SOURCE_LABEL}.", fontsize=7, color="#555555",
        transform=ax.figure.transFigure,
    )  # fmt: skip
    return ax

"""Charts for the evidence pack (drawing only: every number comes from the analysis).

Four charts, each ``plot_*(result, *, ax=None, ...) -> Axes``, and :func:`save_figure`:

- :func:`plot_rate_ratios`: forest plot of MH/SUD vs M/S rate ratios (from
  :func:`paritykit.compare_rates`);
- :func:`plot_rates_by_classification`: paired bars of the two sides' rates per classification;
- :func:`plot_level_shares`: the quantitative test's arithmetic for one classification and type
  of requirement (from :func:`paritykit.quantitative_test`), with the 2/3 and 1/2 thresholds;
- :func:`plot_out_of_network_share`: out-of-network share of claims per setting (from
  :func:`paritykit.summarize_outcomes`).

Design rules: matplotlib is imported inside the functions only; global style (``rcParams``,
style sheets) is never touched, so colours, fonts and sizes are set on each artist. Colours come
from the Okabe-Ito palette (safe for the common colour-vision deficiencies), and nothing relies
on colour alone: MH/SUD bars are orange *and* hatched, M/S bars plain blue (far apart in
luminance, so they stay apart when printed in greyscale); flagged rows carry a filled diamond
*and* the word "flagged". Rows that cannot be drawn (a suppressed small cell, a row that was not
tested, a ratio that cannot be estimated) are labelled in the chart, never dropped silently.
"""

from __future__ import annotations

import math
import os
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
import pandas as pd

from paritykit import columns as C
from paritykit import vocab
from paritykit._atomic import atomic_path
from paritykit.aggregate.outcomes import OUTCOME_COLUMNS
from paritykit.analysis.quantitative import (
    COMBINATION,
    PREDOMINANT_METHOD,
    SUBJECT,
    format_level,
)
from paritykit.errors import ConfigurationError, DataValidationError
from paritykit.privacy import SUPPRESSED as SUPPRESSED_COLUMN
from paritykit.stats.compare import RATE_COLUMNS, TEST_NONE

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from paritykit.analysis.quantitative import QuantitativeTestResult

__all__ = [
    "FIGURE_FORMATS",
    "MHSUD_COLOUR",
    "MS_COLOUR",
    "RATE_INTERVAL_COLUMNS",
    "plot_level_shares",
    "plot_out_of_network_share",
    "plot_rate_ratios",
    "plot_rates_by_classification",
    "save_figure",
]

FigureFormat = Literal["png", "pdf"]
#: Formats :func:`save_figure` writes (both byte-for-byte reproducible).
FIGURE_FORMATS: Final[tuple[str, ...]] = ("png", "pdf")

# --- Okabe-Ito palette ------------------------------------------------------------------------
#: MH/SUD (orange, drawn hatched); greyscale luminance about 162 of 255.
MHSUD_COLOUR: Final = "#E69F00"
#: M/S (blue, drawn plain); greyscale luminance about 87 of 255.
MS_COLOUR: Final = "#0072B2"
_SKY: Final = "#56B4E9"
_VERMILLION: Final = "#D55E00"
_INK: Final = "#222222"
_MUTED: Final = "#555555"
_LIGHT: Final = "#D9D9D9"
_MHSUD_HATCH: Final = "///"

# Font sizes (points), set per artist.
_TICK: Final = 9.0
_LABEL: Final = 9.5
_SMALL: Final = 8.0

#: Optional interval columns of a rates frame; drawn as error bars when present. ``compare_rates``
#: does not provide them (they are not computed here: charts draw, they never compute).
RATE_INTERVAL_COLUMNS: Final[dict[str, tuple[str, str]]] = {
    C.MHSUD_RATE: (f"{C.MHSUD_RATE}_low", f"{C.MHSUD_RATE}_high"),
    C.MS_RATE: (f"{C.MS_RATE}_low", f"{C.MS_RATE}_high"),
}

_INTERVAL_NAMES: Final = frozenset(n for pair in RATE_INTERVAL_COLUMNS.values() for n in pair)

# Labels drawn where a value is missing.
SUPPRESSED: Final = "suppressed"
NOT_TESTED: Final = "not tested"
NOT_ESTIMABLE: Final = "not estimable"

# Rate-ratio axis: values outside are drawn clipped, with an arrow.
_RATIO_FLOOR: Final = 0.01
_RATIO_CEILING: Final = 100.0

# Settings for the out-of-network chart, in display order.
_SETTING_ORDER: Final[tuple[str, ...]] = (
    "inpatient",
    "office visits",
    "other outpatient",
    "outpatient",
    "emergency",
    "prescription drugs",
)


# --- small shared helpers -----------------------------------------------------------------------
def _require(frame: object, needed: Sequence[str], what: str, source: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise DataValidationError(
            f"The {what} must be a pandas DataFrame from {source}; got {type(frame).__name__}."
        )
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise DataValidationError(
            f"The {what} lacks column(s) {missing}; expected the output of {source} "
            f"(columns found: {list(frame.columns)})."
        )
    if frame.empty:
        raise DataValidationError(f"The {what} has no rows; nothing to plot. Pass {source}.")
    return frame


def _pretty(column: str, value: object) -> str:
    """Display text of a key value ("outpatient_in_network" -> "outpatient in-network")."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "(blank)"
    text = str(value)
    if column in (C.CLASSIFICATION, C.SUB_CLASSIFICATION, C.COVERAGE_UNIT):
        text = text.replace("_out_of_network", " out-of-network")
        text = text.replace("_in_network", " in-network")
        return text.replace("_", " ")
    return text


def _row_label(record: pd.Series, keys: Sequence[str]) -> str:
    parts = [_pretty(k, record[k]) for k in keys if not _is_blank(record[k])]
    return " · ".join(parts) if parts else "all"


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    return bool(pd.isna(value))


def _display_order(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Plans in sorted order, classifications in the regulation's order, others as given."""
    rank = {c: i for i, c in enumerate(vocab.CLASSIFICATIONS)}
    sort_cols: list[str] = []
    out = frame.copy()
    out["_pos"] = range(len(out))
    if C.PLAN_ID in keys:
        sort_cols.append(C.PLAN_ID)
    if C.CLASSIFICATION in keys:
        out["_cls"] = out[C.CLASSIFICATION].map(rank).fillna(len(rank))
        sort_cols.append("_cls")
    sort_cols.append("_pos")
    out = out.sort_values(sort_cols, kind="stable")
    return out.drop(columns=[c for c in ("_pos", "_cls") if c in out]).reset_index(drop=True)


def _truthy(value: object) -> bool:
    return not _is_blank(value) and bool(value)


def _mentions_suppression(note: object) -> bool:
    return isinstance(note, str) and "suppress" in note.lower()


def _suppressed(frame: pd.DataFrame, i: int, columns: Sequence[str]) -> bool:
    """Whether row ``i`` had one of ``columns`` withheld by small-cell suppression.

    :func:`paritykit.privacy.suppress_small_cells` lists withheld columns in the row's
    ``suppressed`` column; a ``note`` that mentions suppression counts too.
    """
    if SUPPRESSED_COLUMN in frame:
        listed = frame[SUPPRESSED_COLUMN].iloc[i]
        if not _is_blank(listed):
            names = {part.strip() for part in str(listed).split(",")}
            if names.intersection(columns):
                return True
    return C.NOTE in frame and _mentions_suppression(frame[C.NOTE].iloc[i])


def _key_columns(frame: pd.DataFrame, value_columns: Sequence[str]) -> list[str]:
    """Grouping columns: everything that is not a value, side, interval or bookkeeping column."""
    skip = {*value_columns, SUPPRESSED_COLUMN, C.SIDE, *_INTERVAL_NAMES}
    return [c for c in frame.columns if c not in skip and not str(c).startswith("_")]


def _new_axes(width: float, height: float) -> Axes:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return ax


def _style_axes(ax: Axes, *, grid_axis: Literal["x", "y"] = "x") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(_MUTED)
    ax.tick_params(axis="both", labelsize=_TICK, colors=_INK)
    ax.grid(axis=grid_axis, color="#E6E6E6", linewidth=0.8, zorder=0)
    ax.set_axisbelow(True)


def _set_title(ax: Axes, title: str | None) -> None:
    if title:
        ax.set_title(
            title, parse_math=False, fontsize=11, color=_INK, loc="left", fontweight="bold"
        )


def _legend(ax: Axes, handles: list[Any], *, ncol: int) -> None:
    """A one-line legend in the strip reserved at the top of the plot area."""
    legend = ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=ncol,
        frameon=False,
        fontsize=_SMALL,
        handlelength=1.8,
        columnspacing=1.4,
        borderaxespad=0.2,
    )
    for text in legend.get_texts():
        text.set_color(_INK)


# --- 1. forest plot of rate ratios ------------------------------------------------------------
def _ratio_text(value: float) -> str:
    if math.isinf(value):
        return "∞"
    return f"{value:.0f}" if value >= 100 else f"{value:.2f}"


def _ratio_ticks(low: float, high: float) -> list[float]:
    """1-2-5 ticks on the log axis, with 0.75/1.5/3 added when the range is narrow."""
    ticks = [m * 10.0**e for e in range(-2, 3) for m in (1, 2, 5) if low <= m * 10.0**e <= high]
    if len(ticks) < 4:
        for extra in (0.25, 0.75, 1.5, 3.0):
            if low <= extra <= high and all(abs(math.log(extra / t)) > 0.25 for t in ticks):
                ticks.append(extra)
    return sorted(ticks)


def _short_note(note: str, limit: int = 34) -> str:
    """The first clause of a ``compare_rates`` note ("no M/S denied: ..." -> "no M/S denied")."""
    text = note.split(";")[0].split(":")[0].strip() if ":" in note.split(";")[0] else note
    text = text.split(";")[0].strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plot_rate_ratios(
    rates: pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    measure: str = "denial rate",
    confidence: float = 0.95,
) -> Axes:
    """Forest plot of MH/SUD vs M/S rate ratios with their intervals, one row per group.

    Each row of ``rates`` (plan x classification by default) is a point at its rate ratio with
    a horizontal line for its confidence interval, on a log axis with a dashed reference line
    at 1 (equal rates). Flagged rows get a filled vermillion diamond and the word "flagged";
    others an open blue circle. The estimate and interval are written in a column to the right.
    Rows without a drawable ratio are labelled in the plot, not dropped: "suppressed" (the
    ``note`` mentions suppression, e.g. a small cell), "not tested" (``test`` is
    ``"not tested"``) or "not estimable" (tested, but the ratio is undefined or zero, e.g. no
    M/S denials); the ``note`` is shown beside them.

    Parameters
    ----------
    rates : pandas.DataFrame
        The table returned by :func:`paritykit.compare_rates`: grouping columns followed by
        :data:`paritykit.stats.compare.RATE_COLUMNS`. Row labels join the grouping columns,
        e.g. ``"SAMPLE-B · outpatient in-network"``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted. Global style is never changed.
    title : str, optional
        Title over the plot (none by default).
    measure : str, default "denial rate"
        What the rates measure, for the axis label (e.g. ``"prior-authorization denial rate"``).
    confidence : float, default 0.95
        The confidence level ``compare_rates`` used (``1 - alpha``); labels only.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> import paritykit as pk
    >>> s = pd.DataFrame({"plan_id": ["P1"] * 4,
    ...     "classification": ["outpatient_in_network"] * 2 + ["inpatient_in_network"] * 2,
    ...     "side": ["mhsud", "ms"] * 2, "denied": [142, 81, 30, 60], "claims": [1000] * 4})
    >>> ax = plot_rate_ratios(pk.compare_rates(s))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['P1 · inpatient in-network', 'P1 · outpatient in-network']
    >>> ax.get_xscale()
    'log'
    """
    frame = _require(
        rates,
        [C.RATE_RATIO, C.RATE_RATIO_LOW, C.RATE_RATIO_HIGH, C.FLAGGED],
        "rates table",
        "paritykit.compare_rates",
    )
    pct = _percent(confidence)
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    keys = _key_columns(frame, RATE_COLUMNS)
    frame = _display_order(frame, keys)
    n = len(frame)
    if ax is None:
        ax = _new_axes(10.5, 1.9 + 0.36 * n)
    ratio = frame[C.RATE_RATIO].to_numpy(dtype=float)
    low = frame[C.RATE_RATIO_LOW].to_numpy(dtype=float)
    high = frame[C.RATE_RATIO_HIGH].to_numpy(dtype=float)
    flagged = frame[C.FLAGGED].fillna(False).astype(bool).to_numpy()
    notes = frame[C.NOTE] if C.NOTE in frame else pd.Series([""] * n)
    tests = frame[C.TEST] if C.TEST in frame else pd.Series([""] * n)
    drawable = np.isfinite(ratio) & (ratio > 0)

    values = np.concatenate([ratio[drawable], low[drawable], high[drawable], [1.0]])
    values = values[np.isfinite(values) & (values > 0)]
    x_low = max(min(float(values.min()) / 1.3, 0.5), _RATIO_FLOOR)
    x_high = min(max(float(values.max()) * 1.3, 2.0), _RATIO_CEILING)

    ys = np.arange(n)[::-1].astype(float)
    ax.plot([1.0, 1.0], [-1.4, n - 0.5], color=_MUTED, linewidth=1.0, linestyle="--", zorder=1)
    plans = frame[C.PLAN_ID].astype(str).to_numpy() if C.PLAN_ID in frame else None
    for i in range(n):
        y = ys[i]
        colour = _VERMILLION if flagged[i] else MS_COLOUR
        if plans is not None and i > 0 and plans[i] != plans[i - 1]:
            ax.axhline(y + 0.5, color=_LIGHT, linewidth=0.8, zorder=0)
        if drawable[i]:
            lo, hi = low[i], high[i]
            if np.isfinite(lo) or np.isfinite(hi) or math.isinf(hi):
                left = max(lo, x_low) if np.isfinite(lo) else ratio[i]
                right = min(hi, x_high) if not np.isnan(hi) else ratio[i]
                ax.plot(
                    [left, right],
                    [y, y],
                    color=colour,
                    linewidth=1.6,
                    zorder=2,
                    solid_capstyle="butt",
                )
                if np.isfinite(lo) and lo < x_low:
                    ax.plot(
                        [x_low],
                        [y],
                        marker="<",
                        color=colour,
                        markersize=5,
                        zorder=3,
                        clip_on=False,
                    )
                if hi > x_high:
                    ax.plot(
                        [x_high],
                        [y],
                        marker=">",
                        color=colour,
                        markersize=5,
                        zorder=3,
                        clip_on=False,
                    )
            marker = (
                dict(marker="D", markersize=8, markerfacecolor=_VERMILLION, markeredgecolor=_INK)
                if flagged[i]
                else dict(
                    marker="o",
                    markersize=7,
                    markerfacecolor="white",
                    markeredgecolor=MS_COLOUR,
                    markeredgewidth=1.6,
                )
            )
            ax.plot(
                [min(max(ratio[i], x_low), x_high)],
                [y],
                linestyle="none",
                zorder=4,
                clip_on=False,
                **marker,
            )
            text = f"{_ratio_text(ratio[i])}"
            if np.isfinite(lo) or np.isfinite(hi):
                text += f" ({_ratio_text(lo)}–{_ratio_text(hi)})"
        else:
            if _suppressed(frame, i, (C.RATE_RATIO, C.RATE_RATIO_LOW, C.RATE_RATIO_HIGH)):
                status = SUPPRESSED
            elif str(tests.iloc[i]) == TEST_NONE:
                status = NOT_TESTED
            else:
                status = NOT_ESTIMABLE
            ax.text(
                1.0,
                y,
                status,
                ha="center",
                va="center",
                parse_math=False,
                fontsize=_SMALL,
                color=_INK,
                fontstyle="italic",
                zorder=5,
                bbox=dict(
                    boxstyle="round,pad=0.25", facecolor="white", edgecolor=_MUTED, linewidth=0.6
                ),
            )
            note = str(notes.iloc[i]) if not _is_blank(notes.iloc[i]) else ""
            if status == SUPPRESSED and not _mentions_suppression(note):
                note = "small cell withheld"
            text = _short_note(note) or "—"
        if flagged[i]:
            text += "  flagged"
        ax.annotate(
            text,
            xy=(1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(8, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            parse_math=False,
            fontsize=_SMALL,
            fontweight="bold" if flagged[i] else "normal",
            color=_INK,
            annotation_clip=False,
        )
    ax.annotate(
        f"ratio ({pct} CI)",
        xy=(1.0, n - 0.35),
        xycoords=("axes fraction", "data"),
        xytext=(8, 0),
        textcoords="offset points",
        ha="left",
        va="bottom",
        parse_math=False,
        fontsize=_SMALL,
        fontweight="bold",
        color=_INK,
        annotation_clip=False,
    )
    # Direction hints in the bottom strip, at the two ends of the axis.
    for text, x, ha in (
        ("← MH/SUD lower", 0.01, "left"),
        ("MH/SUD higher →", 0.99, "right"),
    ):
        ax.annotate(
            text,
            xy=(x, -0.95),
            xycoords=("axes fraction", "data"),
            ha=ha,
            va="center",
            parse_math=False,
            fontsize=_SMALL,
            color=_MUTED,
        )

    _style_axes(ax, grid_axis="x")
    ax.set_xscale("log")
    ax.set_xlim(x_low, x_high)
    ticks = _ratio_ticks(x_low, x_high)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    ax.set_yticks(ys)
    ax.set_yticklabels(
        [_row_label(rec, keys) for _, rec in frame.iterrows()], parse_math=False, fontsize=_TICK
    )
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-1.4, n + 0.45)
    ax.set_xlabel(
        f"{measure[:1].upper()}{measure[1:]} ratio, MH/SUD ÷ M/S, with {pct} confidence interval "
        "(log scale; 1 = equal rates)",
        parse_math=False,
        fontsize=_LABEL,
        color=_INK,
    )
    alpha = 1 - confidence
    handles = [
        Line2D(
            [],
            [],
            marker="D",
            markersize=7,
            markerfacecolor=_VERMILLION,
            markeredgecolor=_INK,
            color=_VERMILLION,
            linewidth=1.6,
            label=f"flagged: adjusted p < {alpha:.2g} and MH/SUD worse",
        ),
        Line2D(
            [],
            [],
            marker="o",
            markersize=6,
            markerfacecolor="white",
            markeredgecolor=MS_COLOUR,
            markeredgewidth=1.6,
            color=MS_COLOUR,
            linewidth=1.6,
            label="not flagged",
        ),
    ]
    _legend(ax, handles, ncol=2)
    _set_title(ax, title)
    return ax


# --- 2 and 4. paired bars -----------------------------------------------------------------------
def _paired_bars(
    ax: Axes,
    labels: list[str],
    mh: np.ndarray,
    ms: np.ndarray,
    *,
    mh_err: np.ndarray | None,
    ms_err: np.ndarray | None,
    missing_text: list[tuple[str, str]],
    xlabel: str,
    interval_label: str | None,
    plans: Sequence[str] | None = None,
) -> None:
    """Horizontal paired bars (MH/SUD above M/S in each group) of proportions, in percent."""
    from matplotlib import patheffects
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    n = len(labels)
    centres = np.arange(n)[::-1].astype(float)
    height = 0.36
    top = np.nanmax(np.concatenate([mh, ms, [0.0]]))
    for err, val in ((mh_err, mh), (ms_err, ms)):
        if err is not None:
            top = max(top, float(np.nanmax(np.concatenate([val + err[1], [0.0]]))))
    x_max = min(1.0, top * 1.22) if top > 0 else 0.1
    x_max = max(x_max, 0.02)
    spec = (
        (
            "MH/SUD",
            mh,
            mh_err,
            +height / 2,
            dict(facecolor=MHSUD_COLOUR, edgecolor=_INK, hatch=_MHSUD_HATCH, linewidth=0.6),
        ),
        (
            "M/S",
            ms,
            ms_err,
            -height / 2,
            dict(facecolor=MS_COLOUR, edgecolor=MS_COLOUR, linewidth=0.6),
        ),
    )
    for side_index, (_name, values, err, offset, style) in enumerate(spec):
        ys = centres + offset
        shown = np.isfinite(values)
        ax.barh(ys[shown], values[shown], height=height * 0.92, zorder=2, **style)
        if err is not None:
            ok = shown & np.isfinite(err[0]) & np.isfinite(err[1])
            bars = ax.errorbar(
                values[ok],
                ys[ok],
                xerr=err[:, ok],
                fmt="none",
                ecolor=_INK,
                elinewidth=1.2,
                capsize=3,
                capthick=1.2,
                zorder=3,
            )
            halo = [patheffects.withStroke(linewidth=3.2, foreground="white")]
            for artist in (*bars.lines[1], *bars.lines[2]):
                artist.set_path_effects(halo)
        for i in range(n):
            if shown[i]:
                end = values[i] + (err[1][i] if err is not None and np.isfinite(err[1][i]) else 0)
                ax.annotate(
                    f"{values[i]:.1%}",
                    xy=(end, ys[i]),
                    xytext=(4, 0),
                    textcoords="offset points",
                    ha="left",
                    va="center",
                    parse_math=False,
                    fontsize=_SMALL,
                    color=_INK,
                    annotation_clip=False,
                )
            else:
                ax.annotate(
                    missing_text[i][side_index],
                    xy=(0, ys[i]),
                    xytext=(4, 0),
                    textcoords="offset points",
                    ha="left",
                    va="center",
                    parse_math=False,
                    fontsize=_SMALL,
                    color=_MUTED,
                    fontstyle="italic",
                )
    _style_axes(ax, grid_axis="x")
    ax.set_xlim(0, x_max)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(_percent_tick))
    if plans is not None:
        for i in range(1, n):
            if plans[i] != plans[i - 1]:
                ax.axhline(centres[i] + 0.5, color=_LIGHT, linewidth=0.8, zorder=0)
    ax.set_yticks(centres)
    ax.set_yticklabels(labels, parse_math=False, fontsize=_TICK)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-0.6, n - 0.1)
    ax.set_xlabel(xlabel, parse_math=False, fontsize=_LABEL, color=_INK)
    handles: list[Any] = [
        Patch(facecolor=MHSUD_COLOUR, edgecolor=_INK, hatch=_MHSUD_HATCH, label="MH/SUD"),
        Patch(facecolor=MS_COLOUR, edgecolor=MS_COLOUR, label="M/S"),
    ]
    if interval_label:
        from matplotlib.lines import Line2D

        handles.append(
            Line2D(
                [], [], color=_INK, marker="|", markersize=6, linewidth=1.0, label=interval_label
            )
        )
    _legend(ax, handles, ncol=len(handles))


def _percent_tick(value: float, _pos: object = None) -> str:
    """Tick label of a proportion: 0.025 -> "2.5%", 0.1 -> "10%"."""
    return f"{round(value * 100, 6):g}%"


def _missing_reason(frame: pd.DataFrame, i: int, rate: str, trials: str) -> str:
    """Why a rate is missing: withheld, no claims, or (otherwise) not available."""
    n = frame[trials].iloc[i] if trials in frame else None
    if _suppressed(frame, i, (rate, trials)) or (trials in frame and _is_blank(n)):
        return SUPPRESSED
    if n is not None and float(n) == 0:
        return "no claims"
    return "not available"


def plot_rates_by_classification(
    rates: pd.DataFrame,
    *,
    ax: Axes | None = None,
    plan_id: str | None = None,
    title: str | None = None,
    measure: str = "denial rate",
    confidence: float = 0.95,
) -> Axes:
    """Paired bars of the MH/SUD and M/S rates per classification, in percent.

    MH/SUD bars are orange and hatched, M/S bars plain blue, so the pairs stay apart in
    greyscale. Each bar carries its value. Error bars are drawn only when the frame carries
    interval columns (:data:`RATE_INTERVAL_COLUMNS`: ``mhsud_rate_low``/``_high`` and
    ``ms_rate_low``/``_high``, e.g. Wilson intervals added by the evidence layer); this chart
    computes no statistics, and :func:`paritykit.compare_rates` does not provide them. A missing
    rate is labelled ("suppressed", "no claims") instead of being left as an empty slot.

    Parameters
    ----------
    rates : pandas.DataFrame
        The table returned by :func:`paritykit.compare_rates` (``mhsud_rate`` and ``ms_rate``
        per group).
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted. Global style is never changed.
    plan_id : str, optional
        Draw this plan only (labels then omit the plan). Default: every row, labelled with its
        plan when there are several.
    title : str, optional
        Title over the plot (none by default).
    measure : str, default "denial rate"
        What the rates measure, for the axis label.
    confidence : float, default 0.95
        Confidence level of the interval columns, when present; legend only.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> import paritykit as pk
    >>> s = pd.DataFrame({"plan_id": ["P1"] * 2, "classification": ["outpatient_in_network"] * 2,
    ...                   "side": ["mhsud", "ms"], "denied": [142, 81], "claims": [1000, 1000]})
    >>> ax = plot_rates_by_classification(pk.compare_rates(s), plan_id="P1")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['outpatient in-network']
    """
    frame = _require(rates, [C.MHSUD_RATE, C.MS_RATE], "rates table", "paritykit.compare_rates")
    pct = _percent(confidence)
    frame = _select_plan(frame, plan_id)
    keys = _key_columns(frame, RATE_COLUMNS)
    frame = _display_order(frame, keys)
    label_keys = _label_keys(frame, keys, plan_id)
    labels = [_row_label(rec, label_keys) for _, rec in frame.iterrows()]
    mh = frame[C.MHSUD_RATE].to_numpy(dtype=float)
    ms = frame[C.MS_RATE].to_numpy(dtype=float)
    errs = {}
    for rate_col, (lo_col, hi_col) in RATE_INTERVAL_COLUMNS.items():
        if lo_col in frame and hi_col in frame:
            v = frame[rate_col].to_numpy(dtype=float)
            errs[rate_col] = np.vstack(
                [
                    v - frame[lo_col].to_numpy(dtype=float),
                    frame[hi_col].to_numpy(dtype=float) - v,
                ]
            )
    missing = [
        (
            _missing_reason(frame, i, C.MHSUD_RATE, C.MHSUD_TRIALS),
            _missing_reason(frame, i, C.MS_RATE, C.MS_TRIALS),
        )
        for i in range(len(frame))
    ]
    if ax is None:
        ax = _new_axes(8.0, 1.5 + 0.62 * len(frame))
    both = C.MHSUD_RATE in errs and C.MS_RATE in errs
    _paired_bars(
        ax,
        labels,
        mh,
        ms,
        mh_err=errs.get(C.MHSUD_RATE),
        ms_err=errs.get(C.MS_RATE),
        missing_text=missing,
        xlabel=f"{measure[:1].upper()}{measure[1:]} (% of claims)",
        interval_label=f"{pct} interval" if both else None,
        plans=_plans(frame, label_keys),
    )
    _set_title(ax, title)
    return ax


def _percent(confidence: float) -> str:
    if not 0 < confidence < 1:
        raise ConfigurationError(f"confidence must be between 0 and 1; got {confidence!r}.")
    return f"{confidence * 100:.10g}%"


def _plans(frame: pd.DataFrame, label_keys: Sequence[str]) -> list[str] | None:
    """Plan of each row, for separator lines, when rows are labelled with their plan."""
    if C.PLAN_ID in label_keys and C.PLAN_ID in frame:
        return frame[C.PLAN_ID].astype(str).tolist()
    return None


def _select_plan(frame: pd.DataFrame, plan_id: str | None) -> pd.DataFrame:
    if plan_id is None:
        return frame
    if C.PLAN_ID not in frame:
        raise ConfigurationError(
            f"plan_id={plan_id!r} was given but the table has no {C.PLAN_ID!r} column; "
            "leave plan_id out or group the table by plan."
        )
    chosen = frame[frame[C.PLAN_ID].astype(str) == str(plan_id)]
    if chosen.empty:
        plans = sorted(frame[C.PLAN_ID].dropna().astype(str).unique())
        raise ConfigurationError(f"plan_id {plan_id!r} is not in the table; plans: {plans}.")
    return chosen


def _label_keys(frame: pd.DataFrame, keys: list[str], plan_id: str | None) -> list[str]:
    if C.PLAN_ID in keys and (plan_id is not None or frame[C.PLAN_ID].nunique() <= 1):
        return [k for k in keys if k != C.PLAN_ID]
    return keys


# --- 3. quantitative test: level shares ----------------------------------------------------------
def plot_level_shares(
    result: QuantitativeTestResult,
    *,
    plan_id: str,
    classification: str,
    requirement_type: str,
    sub_classification: str | None = None,
    coverage_unit: str = vocab.COVERAGE_UNIT_DEFAULT,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Draw the quantitative test's arithmetic for one classification and type of requirement.

    Two stacked horizontal bars:

    - **All M/S payments** in the classification, split into payments subject to the type of
      requirement (blue) and not subject (white, dotted), with the 2/3 line of the
      substantially-all test (29 CFR 2590.712(c)(3)(i)(A));
    - **M/S payments subject to the type**, split by level, most restrictive first, with the
      1/2 line of the predominant-level test ((c)(3)(i)(B)). Levels that enter the
      most-restrictive-first combination are sky blue, the predominant level dark blue with white
      hatching, levels outside the combination grey. A vermillion triangle marks where the MH/SUD
      level falls in that order (on its level when an M/S benefit shares it, otherwise between
      the neighbouring levels).

    The determination is written under the bars.

    Parameters
    ----------
    result : QuantitativeTestResult
        From :func:`paritykit.quantitative_test`; its ``levels`` and ``determinations`` tables
        are drawn as they are.
    plan_id, classification, requirement_type : str
        Which determination to draw.
    sub_classification : str, optional
        The outpatient sub-classification, when the plan uses them.
    coverage_unit : str, default "self_only"
        The coverage unit of the determination.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted. Global style is never changed.
    title : str, optional
        Title over the plot (none by default).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    The regulation's Example 2 (outpatient in-network copays), MH/SUD copay $20:

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> import paritykit as pk
    >>> levels = {0: 200, 10: 200, 15: 200, 20: 300, 50: 100}
    >>> rows = [dict(plan_id="P", classification="outpatient_in_network", side="ms",
    ...              benefit=f"copay {k}", requirement_type="copay", level=k,
    ...              projected_payments=v) for k, v in levels.items()]
    >>> rows.append(dict(plan_id="P", classification="outpatient_in_network", side="mhsud",
    ...                  benefit="therapy", requirement_type="copay", level=20,
    ...                  projected_payments=None))
    >>> result = pk.quantitative_test(pd.DataFrame(rows))
    >>> ax = plot_level_shares(result, plan_id="P", classification="outpatient_in_network",
    ...                        requirement_type="copay")
    >>> ax.get_xlabel()
    'Share of projected M/S payments (%)'
    """
    from matplotlib.patches import Patch
    from matplotlib.ticker import PercentFormatter

    det, levels = _select_determination(
        result,
        plan_id=plan_id,
        classification=classification,
        requirement_type=requirement_type,
        sub_classification=sub_classification,
        coverage_unit=coverage_unit,
    )
    req = requirement_type
    req_text = req.replace("_", " ")
    if ax is None:
        ax = _new_axes(9.0, 4.3)
    y_all, y_sub, h = 2.0, 0.0, 0.62

    # Bar 1: subject vs not subject, share of all M/S payments.
    subject_share = float(det[C.SUBJECT_SHARE]) if not _is_blank(det[C.SUBJECT_SHARE]) else 0.0
    rest = levels[~levels[SUBJECT].astype(bool)]
    rest_share = float(rest[C.SHARE_OF_TOTAL].sum()) if len(rest) else 1.0 - subject_share
    ax.barh(
        [y_all],
        [subject_share],
        height=h,
        color=MS_COLOUR,
        edgecolor="white",
        linewidth=1.0,
        zorder=2,
    )
    ax.barh(
        [y_all],
        [rest_share],
        left=[subject_share],
        height=h,
        facecolor="white",
        edgecolor=_MUTED,
        hatch="...",
        linewidth=0.8,
        zorder=2,
    )
    _segment_text(
        ax,
        subject_share / 2,
        y_all,
        f"subject to the {req_text}\n{subject_share:.1%}",
        subject_share,
        dark=True,
    )
    if rest_share > 0:
        _segment_text(
            ax,
            subject_share + rest_share / 2,
            y_all,
            f"not subject\n{rest_share:.1%}",
            rest_share,
            dark=False,
            boxed=True,
        )
    _threshold(ax, 2 / 3, y_all, h, "2/3: substantially all", above=True)

    # Bar 2: subject payments by level, most restrictive first.
    sub = levels[levels[SUBJECT].astype(bool)].sort_values(C.RESTRICTIVENESS_RANK)
    left = 0.0
    edges: list[tuple[float, float, float]] = []  # (level, left, width)
    below = 0
    for rec in sub.itertuples(index=False):
        share = float(getattr(rec, C.SHARE_OF_SUBJECT))
        level = float(getattr(rec, C.LEVEL))
        predominant = bool(getattr(rec, C.IS_PREDOMINANT))
        in_combination = bool(getattr(rec, C.IN_COMBINATION))
        if predominant:
            style = dict(facecolor=MS_COLOUR, edgecolor="white", hatch="//")
        elif in_combination:
            style = dict(facecolor=_SKY, edgecolor="white")
        else:
            style = dict(facecolor=_LIGHT, edgecolor="white")
        ax.barh([y_sub], [share], left=[left], height=h, linewidth=1.2, zorder=2, **style)
        text = f"{_level_text(req, level)}\n{share:.0%}"
        if share >= 0.075:
            _segment_text(
                ax, left + share / 2, y_sub, text, share, dark=predominant, boxed=predominant
            )
        else:  # too narrow: label below the bar, staggered
            ax.annotate(
                text.replace("\n", " "),
                xy=(left + share / 2, y_sub - h / 2),
                xytext=(0, -10 - 10 * (below % 2)),
                textcoords="offset points",
                ha="center",
                va="top",
                parse_math=False,
                fontsize=7.0,
                color=_INK,
                arrowprops=dict(arrowstyle="-", color=_MUTED, linewidth=0.6),
            )
            below += 1
        edges.append((level, left, share))
        left += share
    if sub.empty:
        ax.text(
            0.02,
            y_sub,
            f"no M/S payments are subject to the {req_text}",
            ha="left",
            va="center",
            parse_math=False,
            fontsize=_SMALL,
            fontstyle="italic",
            color=_MUTED,
        )
    _threshold(ax, 0.5, y_sub, h, "1/2: predominant", above=False)

    # MH/SUD level: where it falls in the most-restrictive-first order.
    mh_level = det[C.MHSUD_LEVEL]
    if not _is_blank(mh_level) and edges:
        x = _mhsud_position(req, float(mh_level), edges)
        ax.plot(
            [x],
            [y_sub + h / 2 + 0.08],
            marker="v",
            markersize=10,
            color=_VERMILLION,
            markeredgecolor=_INK,
            linestyle="none",
            zorder=6,
            clip_on=False,
        )
        ax.annotate(
            f"MH/SUD {format_level(req, float(mh_level))}",
            xy=(x, y_sub + h / 2 + 0.08),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            va="bottom",
            parse_math=False,
            fontsize=_SMALL,
            fontweight="bold",
            color=_INK,
        )

    _style_axes(ax, grid_axis="x")
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_yticks([y_all, y_sub])
    ax.set_yticklabels(
        [
            "All M/S payments\nin the classification",
            f"M/S payments subject\nto the {req_text}, by level\n(most restrictive first)",
        ],
        parse_math=False,
        fontsize=_TICK,
    )
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-1.55, 3.05)
    ax.set_xlabel(
        "Share of projected M/S payments (%)", parse_math=False, fontsize=_LABEL, color=_INK
    )
    width_pt = ax.figure.get_figwidth() * ax.get_position().width * 72
    verdict = "\n".join(textwrap.wrap(_verdict(det, req), width=int(width_pt / (0.56 * _SMALL))))
    ax.text(
        0.0,
        -1.15,
        verdict,
        ha="left",
        va="center",
        parse_math=False,
        fontsize=_SMALL,
        color=_INK,
        linespacing=1.4,
    )
    used = {
        "predominant": bool(sub[C.IS_PREDOMINANT].any()),
        "combination": bool((sub[C.IN_COMBINATION] & ~sub[C.IS_PREDOMINANT]).any()),
        "other": bool((~sub[C.IN_COMBINATION] & ~sub[C.IS_PREDOMINANT]).any()),
        "rest": rest_share > 0,
    }
    handles = [
        handle
        for key, handle in (
            (
                "predominant",
                Patch(
                    facecolor=MS_COLOUR, edgecolor="white", hatch="//", label="predominant level"
                ),
            ),
            ("combination", Patch(facecolor=_SKY, label="in the combination")),
            ("other", Patch(facecolor=_LIGHT, label="other levels")),
            ("rest", Patch(facecolor="white", edgecolor=_MUTED, hatch="...", label="not subject")),
        )
        if used[key]
    ]
    if handles:
        _legend(ax, handles, ncol=len(handles))
    _set_title(ax, title)
    return ax


def _select_determination(
    result: QuantitativeTestResult,
    *,
    plan_id: str,
    classification: str,
    requirement_type: str,
    sub_classification: str | None,
    coverage_unit: str,
) -> tuple[pd.Series, pd.DataFrame]:
    det_all = result.determinations
    want = {
        C.PLAN_ID: plan_id,
        C.COVERAGE_UNIT: coverage_unit,
        C.CLASSIFICATION: classification,
        C.REQUIREMENT_TYPE: requirement_type,
    }

    def match(frame: pd.DataFrame) -> pd.Series:
        mask = pd.Series(True, index=frame.index)
        for column, value in want.items():
            mask &= frame[column].astype(str) == str(value)
        blank = frame[C.SUB_CLASSIFICATION].isna() | (frame[C.SUB_CLASSIFICATION] == "")
        if _is_blank(sub_classification):
            return mask & blank
        return mask & ~blank & (frame[C.SUB_CLASSIFICATION].astype(str) == sub_classification)

    det = det_all[match(det_all)]
    if det.empty:
        keys = [
            C.PLAN_ID,
            C.COVERAGE_UNIT,
            C.CLASSIFICATION,
            C.SUB_CLASSIFICATION,
            C.REQUIREMENT_TYPE,
        ]
        available = [
            "/".join("" if _is_blank(v) else str(v) for v in row)
            for row in det_all[keys].itertuples(index=False)
        ]
        raise ConfigurationError(
            f"no determination for plan {plan_id!r}, coverage unit {coverage_unit!r}, "
            f"classification {classification!r}, sub-classification {sub_classification!r}, "
            f"requirement type {requirement_type!r}; available (plan/unit/classification/"
            f"sub-classification/type): {available[:12]}"
            + (f" and {len(available) - 12} more" if len(available) > 12 else "")
            + "."
        )
    return det.iloc[0], result.levels[match(result.levels)]


def _level_text(req: str, level: float) -> str:
    """A level as a bar label; coinsurance is prefixed so it is not read as a share."""
    text = format_level(req, level)
    return f"coins. {text}" if req == "coinsurance" else text


def _segment_text(
    ax: Axes, x: float, y: float, text: str, width: float, *, dark: bool, boxed: bool = False
) -> None:
    if width < 0.075:
        return
    box = (
        dict(boxstyle="round,pad=0.2", facecolor=MS_COLOUR if dark else "white", edgecolor="none")
        if boxed
        else None
    )
    ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        parse_math=False,
        fontsize=_SMALL,
        zorder=5,
        color="white" if dark else _INK,
        fontweight="bold" if dark else "normal",
        bbox=box,
    )


def _threshold(ax: Axes, x: float, y: float, h: float, label: str, *, above: bool) -> None:
    from matplotlib import patheffects

    ax.plot(
        [x, x],
        [y - h / 2 - 0.12, y + h / 2 + 0.12],
        color=_INK,
        linewidth=1.6,
        linestyle=(0, (4, 2)),
        zorder=7,
        path_effects=[patheffects.withStroke(linewidth=4.0, foreground="white")],
    )
    ya = y + h / 2 + 0.12 if above else y - h / 2 - 0.12
    ax.annotate(
        label,
        xy=(x, ya),
        xytext=(0, 2 if above else -2),
        textcoords="offset points",
        ha="center",
        va="bottom" if above else "top",
        parse_math=False,
        fontsize=_SMALL,
        fontweight="bold",
        color=_INK,
    )


def _mhsud_position(req: str, level: float, edges: list[tuple[float, float, float]]) -> float:
    """x of the MH/SUD level in the most-restrictive-first order of the M/S levels."""
    limits = req in vocab.TREATMENT_LIMITS
    for value, left, width in edges:
        if math.isclose(value, level):
            return left + width / 2
    position = 0.0
    for value, left, width in edges:
        more_restrictive = value < level if limits else value > level
        if more_restrictive:
            position = left + width
    return position


def _verdict(det: pd.Series, req: str) -> str:
    req_text = req.replace("_", " ")
    share = det[C.SUBJECT_SHARE]
    parts = []
    if _is_blank(share):
        parts.append("No M/S payments are listed in this classification.")
    else:
        holds = bool(det[C.SUBSTANTIALLY_ALL])
        parts.append(
            f"The {req_text} applies to {float(share):.1%} of M/S payments "
            f"({'at least' if holds else 'less than'} 2/3)."
        )
    if not _is_blank(det[C.PREDOMINANT_LEVEL]):
        how = "combination" if det[PREDOMINANT_METHOD] == COMBINATION else "single level"
        parts.append(
            f"Predominant level {format_level(req, float(det[C.PREDOMINANT_LEVEL]))} ({how})."
        )
    mh = det[C.MHSUD_LEVEL]
    if _is_blank(mh):
        parts.append(f"MH/SUD benefits carry no {req_text}.")
    else:
        parts.append(f"MH/SUD level {format_level(req, float(mh))}.")
    if bool(det[C.COMPLIANT]):
        parts.append("Result: complies.")
    else:
        reasons = []
        if not _is_blank(mh) and not bool(det[C.SUBSTANTIALLY_ALL]):
            reasons.append(f"the {req_text} fails the 2/3 test, so MH/SUD may not carry it")
        elif not _is_blank(mh) and not _is_blank(det[C.PREDOMINANT_LEVEL]):
            reasons.append("the MH/SUD level is more restrictive than the predominant level")
        if bool(det[C.SEPARATE_ACCUMULATION]):
            reasons.append(f"the MH/SUD {req_text} accumulates separately")
        parts.append(f"Result: FAILS ({'; '.join(reasons) or 'see the finding'}).")
    return " ".join(parts)


# --- 4. out-of-network share -------------------------------------------------------------------
def _setting(classification: object, sub_classification: object) -> str:
    """The care setting of a classification (network is what the chart measures)."""
    if _is_blank(classification):
        return "unclassified"
    name = str(classification)
    for suffix in ("_in_network", "_out_of_network"):
        if name.endswith(suffix):
            base = name[: -len(suffix)]
            if base == "outpatient" and not _is_blank(sub_classification):
                sub = str(sub_classification)
                return {
                    "office_visits": "office visits",
                    "all_other_outpatient": "other outpatient",
                }.get(sub, f"outpatient ({sub.replace('_', ' ')})")
            return base.replace("_", " ")
    return name.replace("_", " ")


def _oon_table(outcomes: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """One row per group x side with the out-of-network share (and whether it is suppressed)."""
    frame = outcomes[outcomes[C.SIDE].isin(vocab.SIDES)].copy()
    keys = _key_columns(frame, OUTCOME_COLUMNS)
    frame = frame.reset_index(drop=True)
    withheld = (C.OUT_OF_NETWORK_CLAIMS, C.CLAIMS, C.OUT_OF_NETWORK_RATE)
    frame["_suppressed"] = [_suppressed(frame, i, withheld) for i in range(len(frame))]
    if C.CLASSIFICATION in keys:
        sub = frame.get(C.SUB_CLASSIFICATION)
        frame["setting"] = [
            _setting(c, None if sub is None else sub.loc[i])
            for i, c in frame[C.CLASSIFICATION].items()
        ]
        group = [k for k in keys if k not in (C.CLASSIFICATION, C.SUB_CLASSIFICATION)]
        group.append("setting")
        # Sum the counts over the network split; a missing (suppressed) count spoils the sum.
        summed = frame.groupby([*group, C.SIDE], sort=False, dropna=False).agg(
            oon=(C.OUT_OF_NETWORK_CLAIMS, lambda s: s.sum(min_count=len(s))),
            n=(C.CLAIMS, lambda s: s.sum(min_count=len(s))),
            _suppressed=("_suppressed", "any"),
        )
        summed = summed.reset_index()
        n = summed["n"].astype(float)
        summed["share"] = np.where(n > 0, summed["oon"].astype(float) / n.where(n > 0, 1), np.nan)
        rank = {s: i for i, s in enumerate(_SETTING_ORDER)}
        summed["_rank"] = summed["setting"].map(rank).fillna(len(rank))
        order = [k for k in group if k != "setting"] + ["_rank"]
        summed = summed.sort_values(order, kind="stable").drop(columns="_rank")
        return summed.reset_index(drop=True), group
    if C.OUT_OF_NETWORK_RATE in frame:
        frame["share"] = frame[C.OUT_OF_NETWORK_RATE].astype(float)
    else:
        n = frame[C.CLAIMS].astype(float)
        frame["share"] = np.where(
            n > 0, frame[C.OUT_OF_NETWORK_CLAIMS].astype(float) / n.where(n > 0, 1), np.nan
        )
    frame["n"] = frame[C.CLAIMS]
    return frame.reset_index(drop=True), keys


def plot_out_of_network_share(
    outcomes: pd.DataFrame,
    *,
    ax: Axes | None = None,
    plan_id: str | None = None,
    title: str | None = None,
) -> Axes:
    """Paired bars of the out-of-network share of claims, MH/SUD vs M/S, per care setting.

    A high MH/SUD out-of-network share beside a low M/S share is a sign of an inadequate
    MH/SUD network (an NQTL question under 29 CFR 2590.712(c)(4)).

    The classifications already split inpatient and outpatient care by network, so the share
    per classification is 0% or 100% by construction. When ``outcomes`` is grouped by
    classification (the default of :func:`paritykit.summarize_outcomes`), the chart therefore
    sums ``out_of_network_claims`` and ``claims`` over the network split to get one row per
    care setting: inpatient; outpatient (split into office visits and other outpatient when a
    ``sub_classification`` column is present); emergency and prescription drugs as they are.
    This is a sum and a division of counts, no statistics; a suppressed (missing) count in any
    part makes the setting's share "suppressed". A frame grouped otherwise (e.g. by place of
    service) is drawn row by row from its ``out_of_network_rate``. Rows whose side is not
    MH/SUD or M/S (unclassified lines) are left out of this comparison.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        From :func:`paritykit.summarize_outcomes` (``side``, ``claims``,
        ``out_of_network_claims``, and the grouping columns).
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted. Global style is never changed.
    plan_id : str, optional
        Draw this plan only. Default: every plan, labelled when there are several.
    title : str, optional
        Title over the plot (none by default).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> out = pd.DataFrame({"plan_id": ["P"] * 4,
    ...     "classification": ["outpatient_in_network"] * 2 + ["outpatient_out_of_network"] * 2,
    ...     "side": ["mhsud", "ms"] * 2, "claims": [600, 900, 400, 100],
    ...     "out_of_network_claims": [0, 0, 400, 100]})
    >>> ax = plot_out_of_network_share(out)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['outpatient']
    """
    frame = _require(
        outcomes,
        [C.SIDE, C.CLAIMS, C.OUT_OF_NETWORK_CLAIMS],
        "outcome summary",
        "paritykit.summarize_outcomes",
    )
    frame = _select_plan(frame, plan_id)
    table, keys = _oon_table(frame)
    if table.empty:
        raise DataValidationError(
            "The outcome summary has no MH/SUD or M/S rows (side 'mhsud'/'ms'); nothing to plot."
        )
    table["_present"] = True
    if not keys:  # a summary over everything (by=()): one group
        keys = ["_group"]
        table["_group"] = "all claims"
    values = ["share", "n", "_suppressed", "_present"]
    wide = table.set_index([*keys, C.SIDE])[values].unstack(C.SIDE)
    # unstack sorts the groups; put them back in display order (plans, then settings)
    order = list(dict.fromkeys(table[keys].itertuples(index=False, name=None)))
    wide = wide.reindex(
        pd.MultiIndex.from_tuples(order, names=keys)
        if len(keys) > 1
        else pd.Index([k[0] for k in order], name=keys[0])
    )
    groups = wide.index.to_frame(index=False)
    label_keys = _label_keys(groups, keys, plan_id)
    labels = [_row_label(rec, label_keys) for _, rec in groups.iterrows()]

    def side(values: str, s: str) -> pd.Series:
        if (values, s) in wide.columns:
            return wide[(values, s)].reset_index(drop=True)
        return pd.Series([np.nan] * len(wide), dtype=object)

    missing = []
    for i in range(len(wide)):
        pair = []
        for s in (vocab.MHSUD, vocab.MS):
            n = side("n", s).iloc[i]
            if not _truthy(side("_present", s).iloc[i]):
                pair.append("no claims")
            elif _truthy(side("_suppressed", s).iloc[i]) or _is_blank(n):
                pair.append(SUPPRESSED)
            elif float(n) == 0:
                pair.append("no claims")
            else:
                pair.append("not available")
        missing.append((pair[0], pair[1]))
    unit = "claim lines" if C.UNIT in frame and (frame[C.UNIT] == "line").all() else "claims"
    if ax is None:
        ax = _new_axes(8.0, 1.5 + 0.62 * len(wide))
    _paired_bars(
        ax,
        labels,
        side("share", vocab.MHSUD).to_numpy(dtype=float),
        side("share", vocab.MS).to_numpy(dtype=float),
        mh_err=None,
        ms_err=None,
        missing_text=missing,
        xlabel=f"Out-of-network share of {unit} (%)",
        interval_label=None,
        plans=_plans(groups, label_keys),
    )
    _set_title(ax, title)
    return ax


# --- 5. saving -------------------------------------------------------------------------------
def save_figure(
    fig: Figure,
    stem: str | os.PathLike[str],
    *,
    formats: Sequence[FigureFormat] = ("png", "pdf"),
    dpi: int = 200,
) -> list[Path]:
    """Save a figure as ``<stem>.png`` and ``<stem>.pdf``, atomically; return the paths.

    Each file is written to a temporary file beside its target and renamed into place, so a
    failure leaves no partial chart. The PDF carries no creation date, so the same
    figure gives the same bytes on every run. The figure is not closed (call
    ``matplotlib.pyplot.close(fig)`` when done).

    Parameters
    ----------
    fig : matplotlib Figure
        The figure (for an Axes ``ax`` from a ``plot_*`` function: ``ax.figure``).
    stem : str or path
        Target path without the suffix; the folder is created if needed.
    formats : sequence of {"png", "pdf"}, default ("png", "pdf")
        File formats, one file each.
    dpi : int, default 200
        Resolution of raster output (PNG).

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``formats``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tempfile, pathlib
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = save_figure(fig, pathlib.Path(tmp) / "chart")
    ...     [p.name for p in paths]
    ['chart.png', 'chart.pdf']
    >>> plt.close(fig)
    """
    if isinstance(formats, str):
        formats = (formats,)
    bad = [f for f in formats if f not in FIGURE_FORMATS]
    if bad or not formats:
        raise ConfigurationError(
            f"formats must be a non-empty sequence of {FIGURE_FORMATS}; got {list(formats)!r}."
        )
    if not (isinstance(dpi, int) and 50 <= dpi <= 1200):
        raise ConfigurationError(f"dpi must be an integer from 50 to 1200; got {dpi!r}.")
    stem = Path(stem)
    paths = []
    for fmt in dict.fromkeys(formats):
        target = stem.with_name(f"{stem.name}.{fmt}")
        metadata: dict[str, Any] | None = None
        if fmt == "pdf":
            metadata = {"CreationDate": None, "ModDate": None}
        with atomic_path(target) as tmp:
            fig.savefig(
                tmp,
                format=fmt,
                dpi=dpi,
                bbox_inches="tight",
                pad_inches=0.15,
                facecolor="white",
                metadata=metadata,
            )
        paths.append(target)
    return paths

"""Small-cell suppression for anything that leaves paritykit as evidence.

Following the CMS cell-size suppression policy, no count from 1 to 10 is shown, and neither is
any number computed from such a count that would let it be recovered (a rate, a ratio, an
interval, a p-value). Zero is shown. Suppressed cells become missing values and the row's
``suppressed`` column names them, so a reader sees that something was withheld and why.

These functions transform tables; they never compute statistics.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import numpy as np
import pandas as pd

from paritykit import columns as C

__all__ = [
    "SMALL_CELL_THRESHOLD",
    "SUPPRESSED",
    "is_small_count",
    "mask_small_counts_in_text",
    "suppress_outcomes",
    "suppress_rates",
    "suppress_small_cells",
]

#: Counts below this (and above zero) are suppressed.
SMALL_CELL_THRESHOLD: Final = 11
#: Column listing, per row, which columns were suppressed.
SUPPRESSED: Final = "suppressed"


def is_small_count(values: pd.Series, threshold: int = SMALL_CELL_THRESHOLD) -> pd.Series:
    """True where a count is from 1 to ``threshold - 1``.

    Examples
    --------
    >>> is_small_count(pd.Series([0, 1, 10, 11, None])).tolist()
    [False, True, True, False, False]
    """
    numbers = pd.to_numeric(values, errors="coerce")
    return ((numbers >= 1) & (numbers < threshold)).fillna(False).astype(bool)


def suppress_small_cells(
    frame: pd.DataFrame,
    *,
    counts: Sequence[str],
    dependents: Mapping[str, Iterable[str]] | None = None,
    whole_row_if: Iterable[str] = (),
    threshold: int = SMALL_CELL_THRESHOLD,
) -> pd.DataFrame:
    """Blank small counts and what could reveal them; record what was blanked per row.

    Parameters
    ----------
    frame : pandas.DataFrame
        A tidy table.
    counts : sequence of str
        Count columns to check.
    dependents : mapping, optional
        Count column -> columns computed from it, blanked with it.
    whole_row_if : iterable of str
        Denominator columns: when one of them is small, every count and dependent column of the
        row is blanked.
    threshold : int
        Smallest count shown (default 11). Zero is always shown.

    Returns
    -------
    pandas.DataFrame
        A copy with blanked cells as NaN and a ``suppressed`` column (comma-separated names,
        empty when nothing was blanked).

    Examples
    --------
    >>> t = pd.DataFrame({"claims": [500, 8], "denied": [4, 2], "denial_rate": [0.008, 0.25]})
    >>> out = suppress_small_cells(t, counts=["claims", "denied"],
    ...                            dependents={"denied": ["denial_rate"]},
    ...                            whole_row_if=["claims"])
    >>> out["suppressed"].tolist()
    ['denied, denial_rate', 'claims, denied, denial_rate']
    """
    dependents = dict(dependents or {})
    out = frame.copy()
    present = [c for c in counts if c in out.columns]
    blanked = pd.DataFrame(False, index=out.index, columns=list(out.columns))
    all_dependent = {d for c in present for d in dependents.get(c, ()) if d in out.columns}
    whole = pd.Series(False, index=out.index)
    for name in whole_row_if:
        if name in out.columns:
            whole |= is_small_count(out[name], threshold)
    for name in present:
        mask = is_small_count(out[name], threshold) | whole
        blanked.loc[mask, name] = True
        for dep in dependents.get(name, ()):
            if dep in out.columns:
                blanked.loc[mask, dep] = True
    for name in all_dependent:
        blanked.loc[whole, name] = True
    for name in blanked.columns:
        mask = blanked[name]
        if mask.any():
            if pd.api.types.is_numeric_dtype(out[name]) and not pd.api.types.is_bool_dtype(
                out[name]
            ):
                out[name] = out[name].astype("float64")
                out.loc[mask, name] = np.nan
            else:  # text, booleans, objects
                out[name] = out[name].astype(object)
                out.loc[mask, name] = None
    previous = out[SUPPRESSED] if SUPPRESSED in out.columns else pd.Series("", index=out.index)
    listed = blanked.apply(lambda row: ", ".join(row.index[row.to_numpy()]), axis=1)
    if len(out) == 0:
        listed = pd.Series(dtype=object)
    out[SUPPRESSED] = [
        ", ".join(p for p in (str(a or ""), str(b or "")) if p)
        for a, b in zip(previous, listed, strict=True)
    ]
    return out


def suppress_outcomes(
    summary: pd.DataFrame, *, threshold: int = SMALL_CELL_THRESHOLD
) -> pd.DataFrame:
    """Suppress small cells in a :func:`paritykit.summarize_outcomes` table.

    A small ``claims`` (or ``claim_lines``) count blanks the whole row, amounts included; any
    other small count blanks itself and the rates computed from it.
    """
    from paritykit.aggregate.outcomes import COUNT_COLUMNS, RATE_DEFINITIONS

    dependents: dict[str, list[str]] = {}
    for rate, (numerator, denominator) in RATE_DEFINITIONS.items():
        dependents.setdefault(numerator, []).append(rate)
        dependents.setdefault(denominator, []).append(rate)
    amounts = [C.BILLED_AMOUNT, C.ALLOWED_AMOUNT, C.PAID_AMOUNT, C.DECISION_DAYS_MEAN]
    for name in (C.CLAIMS, C.CLAIM_LINES):
        dependents.setdefault(name, []).extend(amounts)
    return suppress_small_cells(
        summary,
        counts=COUNT_COLUMNS,
        dependents=dependents,
        whole_row_if=(C.CLAIMS, C.CLAIM_LINES),
        threshold=threshold,
    )


#: Columns of a compare_rates row that would reveal either side's counts.
_COMPARISONS: Final[tuple[str, ...]] = (
    C.RATE_RATIO,
    C.RATE_RATIO_LOW,
    C.RATE_RATIO_HIGH,
    C.RATE_DIFFERENCE,
    C.RATE_DIFFERENCE_LOW,
    C.RATE_DIFFERENCE_HIGH,
    C.ODDS_RATIO,
    C.ODDS_RATIO_LOW,
    C.ODDS_RATIO_HIGH,
    C.STATISTIC,
    C.P_VALUE,
    C.P_ADJUSTED,
    C.DETECTABLE_RATIO,
)


def suppress_rates(rates: pd.DataFrame, *, threshold: int = SMALL_CELL_THRESHOLD) -> pd.DataFrame:
    """Suppress small cells in a :func:`paritykit.compare_rates` table.

    A small event or trial count on one side blanks that side's counts and rate and every
    comparison in the row (ratios, differences, intervals, test statistic and p-values), since
    each of them, with the other side's counts, would give the small count back. ``flagged``
    is kept: it reveals no count.
    """
    sides = {
        "mhsud": ([C.MHSUD_EVENTS, C.MHSUD_TRIALS], C.MHSUD_RATE),
        "ms": ([C.MS_EVENTS, C.MS_TRIALS], C.MS_RATE),
    }
    dependents: dict[str, list[str]] = {}
    for counts, rate in sides.values():
        for count in counts:
            dependents[count] = [*counts, rate, *_COMPARISONS]
    return suppress_small_cells(
        rates,
        counts=[c for counts, _ in sides.values() for c in counts],
        dependents=dependents,
        threshold=threshold,
    )


_COUNT_PAIR = re.compile(r"\b(\d[\d,]*) of (\d[\d,]*)\b")


def mask_small_counts_in_text(text: str, threshold: int = SMALL_CELL_THRESHOLD) -> str:
    """Replace "k of n" phrases that contain a count from 1 to ``threshold - 1``.

    Examples
    --------
    >>> mask_small_counts_in_text("denied 3 of 250 vs 40 of 900")
    'denied fewer than 11 of 250 (suppressed) vs 40 of 900'
    """

    def small(number: str) -> bool:
        value = int(number.replace(",", ""))
        return 1 <= value < threshold

    def replace(match: re.Match[str]) -> str:
        k, n = match.group(1), match.group(2)
        if small(n):
            return f"fewer than {threshold} of fewer than {threshold} (suppressed)"
        if small(k):
            return f"fewer than {threshold} of {n} (suppressed)"
        return match.group(0)

    return _COUNT_PAIR.sub(replace, text)

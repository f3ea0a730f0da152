"""Small-cell suppression for anything that leaves paritykit as evidence.

Following the CMS cell-size suppression policy, no count from 1 to 10 is shown, and neither is
any number computed from such a count that would let it be recovered (a rate, a ratio, an
interval, a p-value). Zero is shown. Suppressed cells become missing values and the row's
``suppressed`` column names them, so a reader sees that something was withheld and why.

Suppression is complementary: after the small cells are hidden, further cells are hidden until
no hidden count can be worked out from the table's additive relations (a total and its parts
in a row, rows that add up to a total row, "this payer" plus "other payers" equal to the same
total on every row). :func:`disclosed_cells` is the check: it solves the relations for the
hidden cells and lists every one that is determined.

These functions transform tables; they never compute statistics.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Final, TypeAlias

import numpy as np
import pandas as pd

from paritykit import columns as C

__all__ = [
    "COMPLEMENTARY",
    "SMALL_CELL_THRESHOLD",
    "SUPPRESSED",
    "Relation",
    "complementary_suppression",
    "constant_sum_relations",
    "disclosed_cells",
    "group_total_relations",
    "is_small_count",
    "mask_small_counts_in_text",
    "outcome_relations",
    "row_sum_relations",
    "suppress_outcomes",
    "suppress_rates",
    "suppress_small_cells",
]

#: Counts below this (and above zero) are suppressed.
SMALL_CELL_THRESHOLD: Final = 11
#: Column listing, per row, which columns were suppressed.
SUPPRESSED: Final = "suppressed"
#: Column listing, per row, the count cells hidden only to protect another cell (their value is
#: 0 or at least 11, so a writer must not mark them "<11"); present only when there are some.
COMPLEMENTARY: Final = "suppressed_complementary"


def is_small_count(values: pd.Series, threshold: int = SMALL_CELL_THRESHOLD) -> pd.Series:
    """True where a count is from 1 to ``threshold - 1``.

    Examples
    --------
    >>> is_small_count(pd.Series([0, 1, 10, 11, None])).tolist()
    [False, True, True, False, False]
    """
    numbers = pd.to_numeric(values, errors="coerce")
    return ((numbers >= 1) & (numbers < threshold)).fillna(False).astype(bool)


#: A cell of a table: (index label, column name).
Cell: TypeAlias = tuple[Hashable, str]
#: One additive relation a reader may know: sum of coefficient x cell = a known constant.
Relation: TypeAlias = tuple[tuple[Cell, float], ...]


def row_sum_relations(frame: pd.DataFrame, total: str, parts: Sequence[str]) -> list[Relation]:
    """Per row, ``total = sum(parts)``: e.g. denied lines and the denied lines of each reason.

    Examples
    --------
    >>> t = pd.DataFrame({"lines": [20], "denied": [5], "paid": [15]})
    >>> row_sum_relations(t, "lines", ["denied", "paid"])
    [(((0, 'lines'), 1.0), ((0, 'denied'), -1.0), ((0, 'paid'), -1.0))]
    """
    if total not in frame.columns or not parts or any(c not in frame.columns for c in parts):
        return []  # a part the table lacks is unknown to the reader: no relation
    return [(((i, total), 1.0), *(((i, c), -1.0) for c in parts)) for i in frame.index]


def group_total_relations(
    frame: pd.DataFrame, columns: Sequence[str], *, by: Sequence[str] = ()
) -> list[Relation]:
    """Per column, the rows of each group add up to the group's total (a margin the reader
    can know from another table, a total row or the whole file).

    Examples
    --------
    >>> t = pd.DataFrame({"payer": ["A", "A", "B"], "denied": [3, 40, 12]})
    >>> [len(r) for r in group_total_relations(t, ["denied"], by=["payer"])]
    [2, 1]
    """
    groups = frame.groupby(list(by), sort=False).groups.values() if by else [frame.index]
    out: list[Relation] = []
    for column in columns:
        if column not in frame.columns:
            continue
        for labels in groups:
            out.append(tuple(((i, column), 1.0) for i in labels))
    return out


def constant_sum_relations(
    frame: pd.DataFrame, a: str, b: str, *, by: Sequence[str] = ()
) -> list[Relation]:
    """``a + b`` is the same on every row of a group (this payer's count plus the other payers'
    count is the practice's total): ``a[i] + b[i] - a[j] - b[j] = 0``.

    Examples
    --------
    >>> t = pd.DataFrame({"denied": [4, 30, 20], "others": [50, 24, 34]})
    >>> len(constant_sum_relations(t, "denied", "others"))
    2
    """
    if a not in frame.columns or b not in frame.columns:
        return []
    groups = frame.groupby(list(by), sort=False).groups.values() if by else [frame.index]
    out: list[Relation] = []
    for labels in groups:
        first = labels[0]
        out += [
            (((i, a), 1.0), ((i, b), 1.0), ((first, a), -1.0), ((first, b), -1.0))
            for i in labels[1:]
        ]
    return out


def disclosed_cells(hidden: Iterable[Cell], relations: Sequence[Relation]) -> list[Cell]:
    """The hidden cells that the relations determine exactly, given every shown cell.

    A hidden cell is disclosed when its unit vector lies in the row space of the relations
    restricted to the hidden cells: then some combination of relations (a subtraction along a
    margin, or a chain of them) gives it from shown numbers.

    Examples
    --------
    >>> rel = [(((0, "lines"), 1.0), ((0, "denied"), -1.0), ((0, "paid"), -1.0))]
    >>> disclosed_cells([(0, "denied")], rel)
    [(0, 'denied')]
    >>> disclosed_cells([(0, "denied"), (0, "paid")], rel)
    []
    """
    hidden = list(dict.fromkeys(hidden))
    if not hidden or not relations:
        return []
    position = {cell: k for k, cell in enumerate(hidden)}
    rows = []
    for relation in relations:
        row = np.zeros(len(hidden))
        for cell, coef in relation:
            k = position.get(cell)
            if k is not None:
                row[k] += coef
        if row.any():
            rows.append(row)
    if not rows:
        return []
    matrix = np.vstack(rows)
    # Project each unit vector on the row space: a cell is determined when it lies in it.
    _, sv, vt = np.linalg.svd(matrix, full_matrices=False)
    basis = vt[sv > 1e-9 * max(sv.max(), 1.0)]
    weight = (basis**2).sum(axis=0)
    return [cell for cell, w in zip(hidden, weight, strict=True) if w > 1 - 1e-9]


def complementary_suppression(
    values: pd.DataFrame,
    primary: Iterable[Cell],
    relations: Sequence[Relation],
    *,
    keep: Iterable[Cell] = (),
) -> list[Cell]:
    """Hide further cells until no hidden cell can be worked out from the relations.

    Parameters
    ----------
    values : pandas.DataFrame
        The table's true counts (only read, to prefer hiding small numbers).
    primary : iterable of (index, column)
        Cells hidden because they are small.
    relations : sequence of Relation
        The additive relations a reader may know (see :func:`row_sum_relations`,
        :func:`group_total_relations`, :func:`constant_sum_relations`).
    keep : iterable of (index, column), optional
        Cells that are published whatever happens (a total stated in a banner): never chosen
        as complements.

    Returns
    -------
    list of (index, column)
        Every cell to hide: the primary ones first, then the complementary ones in the order
        they were chosen. For each disclosed cell, a relation holding it gets one more hidden
        cell: preferably one whose other relations already hold a hidden cell, then the
        smallest non-zero count (a zero when nothing else is left).

    Examples
    --------
    >>> t = pd.DataFrame({"lines": [20, 300], "denied": [5, 40], "paid": [15, 260]})
    >>> rel = row_sum_relations(t, "lines", ["denied", "paid"])
    >>> complementary_suppression(t, [(0, "denied")], rel)
    [(0, 'denied'), (0, 'paid')]
    """
    hidden = list(dict.fromkeys(primary))
    hidden_set = set(hidden)
    numbers = _cell_numbers(values, relations)
    for cell in keep:  # never a complement: rank it after every other cell
        if cell in numbers:
            numbers[cell] = float("inf")
    fixed = set(keep)
    by_cell: dict[Cell, list[Relation]] = {}
    for relation in relations:
        for cell, coef in relation:
            if coef:
                by_cell.setdefault(cell, []).append(relation)
    while True:
        disclosed = disclosed_cells(hidden, relations)
        if not disclosed:
            return hidden
        added = False
        touched: set[Cell] = set()
        for target in disclosed:  # one complement per disclosed cell not already covered
            if target in touched:
                continue
            choice = _complement_for(numbers, [target], hidden_set, by_cell, fixed=fixed)
            if choice is None:
                continue
            hidden.append(choice)
            hidden_set.add(choice)
            added = True
            for relation in by_cell.get(choice, []):
                touched.update(cell for cell, _ in relation)
        if not added:  # every cell next to them is hidden: look next to any disclosed cell
            choice = _complement_for(
                numbers, disclosed, hidden_set, by_cell, anywhere=True, fixed=fixed
            )
            if choice is None:
                raise ValueError(
                    f"cannot protect cell {disclosed[0]!r}: a relation gives it alone (its total "
                    "is shown elsewhere) or every related cell is already hidden; hide that "
                    "total too"
                )
            hidden.append(choice)
            hidden_set.add(choice)


def _cell_numbers(values: pd.DataFrame, relations: Sequence[Relation]) -> dict[Cell, float]:
    cells = {cell for relation in relations for cell, _ in relation}
    out = {}
    for cell in cells:
        value = pd.to_numeric(pd.Series([values.at[cell]]), errors="coerce").iloc[0]
        out[cell] = float(value) if pd.notna(value) else float("inf")
    return out


def _complement_for(
    numbers: Mapping[Cell, float],
    targets: Sequence[Cell],
    hidden: set[Cell],
    by_cell: Mapping[Cell, list[Relation]],
    *,
    anywhere: bool = False,
    fixed: set[Cell] | frozenset[Cell] = frozenset(),
) -> Cell | None:
    """The shown cell to hide next, in a relation holding a target.

    Preferred: the cell whose other relations already hold a hidden cell (hiding it opens no new
    gap), then a non-zero count, then the smallest.

    With ``anywhere``, relations that hold any hidden cell next to a target are searched too.
    """
    relations = [r for t in targets for r in by_cell.get(t, [])]
    if anywhere:
        near = {cell for r in relations for cell, _ in r if cell in hidden}
        relations += [r for cell in near for r in by_cell.get(cell, [])]
    best: tuple[tuple[int, int, float], Cell] | None = None
    for relation in relations:
        cells = [cell for cell, coef in relation if coef]
        for cell in cells:
            if cell in hidden or cell in fixed:
                continue
            # a cell whose other relations hold nothing hidden would open new gaps there
            exposed = sum(
                not any(c in hidden for c, _ in other)
                for other in by_cell.get(cell, [])
                if other is not relation
            )
            value = numbers[cell]
            rank = (exposed, 0 if value > 0 else 1, value)
            if best is None or rank < best[0]:
                best = (rank, cell)
    return best[1] if best else None


def suppress_small_cells(
    frame: pd.DataFrame,
    *,
    counts: Sequence[str],
    dependents: Mapping[str, Iterable[str]] | None = None,
    whole_row_if: Iterable[str] = (),
    threshold: int = SMALL_CELL_THRESHOLD,
    relations: Sequence[Relation] = (),
    hide: Iterable[Cell] = (),
    keep: Iterable[Cell] = (),
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
        Smallest count shown (default 11). Zero is shown unless it must be hidden to protect
        another cell.
    relations : sequence of Relation, optional
        Additive relations between count cells that a reader may know. Further count cells
        are hidden (with their dependents) until no hidden count can be worked out from them
        (:func:`complementary_suppression`).
    hide : iterable of (index, column), optional
        Further count cells to blank with their dependents: cells hidden in another table that
        this one repeats (the same count must be hidden everywhere it appears).
    keep : iterable of (index, column), optional
        Cells never chosen as complements (passed to :func:`complementary_suppression`).

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
    small = blanked.copy()
    for name in present:
        mask = is_small_count(out[name], threshold) | whole
        blanked.loc[mask, name] = True
        small.loc[mask, name] = True
    for i, c in hide:
        if c in blanked.columns and i in blanked.index:
            blanked.loc[i, c] = True
    if relations:
        primary = [(i, c) for c in blanked.columns for i in out.index[blanked[c].to_numpy()]]
        for i, c in complementary_suppression(frame, primary, relations, keep=keep):
            blanked.loc[i, c] = True
    chosen = blanked[present].copy()  # small, given (hide) or complementary: before dependents
    for name in present:
        mask = blanked[name]
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
    extra = chosen & ~small[present]
    for name in present:  # a hidden count that is itself small (from another table) is primary
        extra[name] &= ~is_small_count(frame[name], threshold)
    if extra.to_numpy().any() or COMPLEMENTARY in out.columns:
        before = (
            out[COMPLEMENTARY] if COMPLEMENTARY in out.columns else pd.Series("", index=out.index)
        )
        now = extra.apply(lambda row: ", ".join(row.index[row.to_numpy()]), axis=1)
        out[COMPLEMENTARY] = [
            ", ".join(p for p in (str(a or ""), str(b or "")) if p)
            for a, b in zip(before, now, strict=True)
        ]
    return out


def suppress_outcomes(
    summary: pd.DataFrame,
    *,
    threshold: int = SMALL_CELL_THRESHOLD,
    hide: Iterable[Cell] = (),
    relations: Sequence[Relation] = (),
) -> pd.DataFrame:
    """Suppress small cells in a :func:`paritykit.summarize_outcomes` table.

    A small ``claims`` (or ``claim_lines``) count blanks the whole row, amounts included; any
    other small count blanks itself and the rates computed from it. ``hide`` lists further
    count cells to blank with what they reveal (complements chosen across tables);
    ``relations`` (e.g. :func:`outcome_relations`) makes the suppression complementary.
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
        hide=hide,
        relations=relations,
    )


def outcome_relations(summary: pd.DataFrame) -> list[Relation]:
    """The sums a reader of an outcome summary can form.

    Per row, claims equal claim lines (line unit) and the denied lines add up over the denial
    reasons when they do in the table; per count column, the rows add up to a total for the
    whole table, per plan, and per plan and side (totals a reader may know from elsewhere).

    Examples
    --------
    >>> t = pd.DataFrame({"plan_id": ["P", "P"], "side": ["mhsud", "ms"],
    ...                   "claims": [40, 300], "claim_lines": [40, 300], "denied": [4, 30]})
    >>> out = suppress_outcomes(t, relations=outcome_relations(t))
    >>> out["suppressed"].str.contains("denied").tolist()
    [True, True]
    """
    from paritykit.aggregate.outcomes import COUNT_COLUMNS

    counts = [c for c in COUNT_COLUMNS if c in summary.columns]
    reasons = [c for c in counts if c.startswith("denied_")]
    relations: list[Relation] = []
    if C.CLAIMS in summary.columns and C.CLAIM_LINES in summary.columns:
        same = summary[C.CLAIMS] == summary[C.CLAIM_LINES]
        relations += row_sum_relations(summary[same], C.CLAIMS, [C.CLAIM_LINES])
    if reasons and C.DENIED in summary.columns:
        adds = summary[reasons].sum(axis=1) == summary[C.DENIED]
        relations += row_sum_relations(summary[adds], C.DENIED, reasons)
    plan = [C.PLAN_ID] if C.PLAN_ID in summary.columns else []
    side = [C.SIDE] if C.SIDE in summary.columns else []
    relations += group_total_relations(summary, counts)
    if plan:
        relations += group_total_relations(summary, counts, by=plan)
    if side:
        relations += group_total_relations(summary, counts, by=[*plan, *side])
    return [r for r in relations if len(r) > 1]  # a group of one row is not a further margin


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


def suppress_rates(
    rates: pd.DataFrame,
    *,
    threshold: int = SMALL_CELL_THRESHOLD,
    hide: Iterable[Cell] = (),
) -> pd.DataFrame:
    """Suppress small cells in a :func:`paritykit.compare_rates` table.

    A small event or trial count on one side blanks that side's counts and rate and every
    comparison in the row (ratios, differences, intervals, test statistic and p-values), since
    each of them, with the other side's counts, would give the small count back. ``flagged``
    is kept: it reveals no count. ``hide`` lists further count cells to blank the same way
    (counts hidden in the outcome table this one repeats).
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
        hide=hide,
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

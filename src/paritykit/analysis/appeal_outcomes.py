"""What works: the practice's own overturn rates, by payer, denial category and appeal contents.

:func:`appeal_outcomes` counts the decided internal appeals of an appeal log (each
``appeal_decided`` row is one decision) and, separately, the decided external reviews. An
appeal is *overturned* when the plan reversed the denial in full; ``partial`` and ``upheld``
decisions are counted together as ``upheld`` (the denial stood in full or in part), not as
overturned. The overturn rate has its Wilson interval
(:func:`paritykit.stats.proportions.wilson_interval`).

What an appeal contained (``clinical_documentation``, ``provider_letter``, ``parity_cited``) is
read from the latest ``appeal_filed`` row of the claim on or before the decision, else from the
decision row itself; an appeal for which the log says neither yes nor no is counted as "not
recorded". The denial category is the CARC category of the claim's first denied line in the
remittances (:func:`paritykit.classify_carc`).

Beside the yes/no rows stand the figures practices are told (68% vs 25% with and without
complete clinical documentation, 64% vs 29% with and without a detailed provider letter, 59% vs
28% with and without a specific parity argument). paritykit could not find their original
study; they are shown only as :data:`PUBLISHED_SOURCE_LABEL`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from paritykit import columns as C
from paritykit.errors import ConfigurationError
from paritykit.privacy import (
    SMALL_CELL_THRESHOLD,
    Relation,
    row_sum_relations,
    suppress_small_cells,
)
from paritykit.stats.proportions import wilson_interval

__all__ = [
    "APPEAL_OUTCOME_COLUMNS",
    "GROUPINGS",
    "PUBLISHED_RATES",
    "PUBLISHED_SOURCE_LABEL",
    "AppealOutcomes",
    "appeal_outcomes",
    "suppress_appeal_outcomes",
]

#: How the published figures are labelled wherever they are shown.
PUBLISHED_SOURCE_LABEL: Final = (
    "figures published by a mental-health billing service, not verified by paritykit"
)
#: (appeal content, yes/no) -> the published success rate.
PUBLISHED_RATES: Final[dict[tuple[str, str], float]] = {
    (C.CLINICAL_DOCUMENTATION, "yes"): 0.68,
    (C.CLINICAL_DOCUMENTATION, "no"): 0.25,
    (C.PROVIDER_LETTER, "yes"): 0.64,
    (C.PROVIDER_LETTER, "no"): 0.29,
    (C.PARITY_CITED, "yes"): 0.59,
    (C.PARITY_CITED, "no"): 0.28,
}
#: Values of the ``grouping`` column, in table order.
GROUPINGS: Final[tuple[str, ...]] = (
    "all",
    "payer",
    "denial_category",
    *C.APPEAL_CONTENTS,
    "external_review",
    "external_review_payer",
)
NOT_RECORDED: Final = "not recorded"
ALL_APPEALS: Final = "all internal appeals"
ALL_EXTERNAL: Final = "all external reviews"
NO_REMITTANCES: Final = "(no remittances given)"
#: Columns of :attr:`AppealOutcomes.table`.
APPEAL_OUTCOME_COLUMNS: Final[tuple[str, ...]] = (
    C.GROUPING,
    C.GROUP_VALUE,
    C.APPEALS_DECIDED,
    C.OVERTURNED,
    C.UPHELD,
    C.OVERTURN_RATE,
    C.OVERTURN_RATE_LOW,
    C.OVERTURN_RATE_HIGH,
    C.PUBLISHED_RATE,
    C.PUBLISHED_SOURCE,
)


@dataclass(frozen=True)
class AppealOutcomes:
    """Overturn rates of the practice's decided appeals, with intervals and published figures.

    Attributes
    ----------
    table : pandas.DataFrame
        :data:`APPEAL_OUTCOME_COLUMNS`, one row per grouping value (:data:`GROUPINGS`).
    decisions : pandas.DataFrame
        One row per decision counted: claim, payer, level (``internal`` or ``external``),
        date, outcome, the denial category and what the appeal contained.
    alpha : float
    """

    table: pd.DataFrame = field(repr=False)
    decisions: pd.DataFrame = field(repr=False)
    alpha: float = 0.05

    def to_frame(self) -> pd.DataFrame:
        """The tidy table (a copy)."""
        return self.table.copy()

    def summary(self) -> str:
        """One line per row: overturned of decided, the rate and interval, the published figure."""
        level = f"{1 - self.alpha:.0%}"
        lines = [f"Appeal outcomes: {len(self.decisions)} decisions; {level} Wilson intervals"]
        for r in self.table.to_dict("records"):
            rate = r[C.OVERTURN_RATE]
            text = (
                f"{rate:.0%} [{r[C.OVERTURN_RATE_LOW]:.0%}, {r[C.OVERTURN_RATE_HIGH]:.0%}]"
                if pd.notna(rate)
                else "n/a"
            )
            line = (
                f"  {r[C.GROUPING]:<24} {r[C.GROUP_VALUE]!s:<26} "
                f"{r[C.OVERTURNED]:>4} of {r[C.APPEALS_DECIDED]:>4} overturned {text}"
            )
            if pd.notna(r[C.PUBLISHED_RATE]):
                line += f"; published {r[C.PUBLISHED_RATE]:.0%}"
            lines.append(line)
        lines.append(f"  published: {PUBLISHED_SOURCE_LABEL}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.summary().splitlines()[0])}</p>" + self.table.to_html(
            index=False
        )


def _yes_no(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return NOT_RECORDED
    return "yes" if bool(value) else "no"


def _categories(claims: Any) -> dict[str, str]:
    from paritykit.classify.carc import classify_carc

    data = getattr(claims, "claims", claims)
    denied = data[data[C.STATUS] == "denied"]
    if C.DENIAL_REASON not in denied.columns or denied.empty:
        return {}
    cats = classify_carc(denied[[C.DENIAL_REASON]])[C.CARC_CATEGORY]
    first = (
        pd.DataFrame({"id": denied[C.CLAIM_ID].astype(str).to_numpy(), "cat": cats.to_numpy()})
        .dropna()
        .drop_duplicates("id")
    )
    return dict(zip(first["id"], first["cat"].astype(str), strict=True))


def _decisions(events: pd.DataFrame, categories: dict[str, str] | None) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for claim, group in events.groupby(C.CLAIM_ID, sort=True):
        filed: dict[str, Any] | None = None
        for rec in group.to_dict("records"):
            if rec[C.EVENT] == "appeal_filed":
                filed = rec
            if rec[C.EVENT] not in ("appeal_decided", "external_review_decided"):
                continue
            row = {
                C.CLAIM_ID: claim,
                C.PLAN_ID: rec[C.PLAN_ID],
                "level": "internal" if rec[C.EVENT] == "appeal_decided" else "external",
                C.EVENT_DATE: rec[C.EVENT_DATE],
                C.OUTCOME: rec[C.OUTCOME],
                C.CARC_CATEGORY: (
                    NO_REMITTANCES
                    if categories is None
                    else categories.get(str(claim), "(no reason code)")
                ),
            }
            for col in C.APPEAL_CONTENTS:
                value = filed.get(col) if filed is not None else None
                if value is None or value is pd.NA:
                    value = rec.get(col)
                row[col] = _yes_no(value)
            rows.append(row)
    return pd.DataFrame(
        rows,
        columns=[
            C.CLAIM_ID, C.PLAN_ID, "level", C.EVENT_DATE, C.OUTCOME, C.CARC_CATEGORY,
            *C.APPEAL_CONTENTS,
        ],
    )  # fmt: skip


def _count(frame: pd.DataFrame, grouping: str, value: str, alpha: float) -> dict[str, Any]:
    n = len(frame)
    k = int((frame[C.OUTCOME] == "overturned").sum())
    interval = wilson_interval(k, n, alpha)
    published = PUBLISHED_RATES.get((grouping, value))
    return {
        C.GROUPING: grouping,
        C.GROUP_VALUE: value,
        C.APPEALS_DECIDED: n,
        C.OVERTURNED: k,
        C.UPHELD: n - k,
        C.OVERTURN_RATE: interval.estimate,
        C.OVERTURN_RATE_LOW: interval.low,
        C.OVERTURN_RATE_HIGH: interval.high,
        C.PUBLISHED_RATE: np.nan if published is None else published,
        C.PUBLISHED_SOURCE: "" if published is None else PUBLISHED_SOURCE_LABEL,
    }


def appeal_outcomes(log: Any, *, claims: Any = None, alpha: float = 0.05) -> AppealOutcomes:
    """Overturn rates of the practice's decided appeals, by payer, denial category and contents.

    Parameters
    ----------
    log : path, DataFrame or AppealLog
        The appeal log (:func:`paritykit.read_appeal_log`; read and checked here when a path
        or DataFrame; rows with problems are left out, as the reader lists them).
    claims : pandas.DataFrame, Remittances or BillingExport, optional
        The claim lines; needed for the denial category (and to check the log against them).
    alpha : float, default 0.05
        One minus the confidence level of the Wilson intervals.

    Returns
    -------
    AppealOutcomes

    Notes
    -----
    One decision is one ``appeal_decided`` (internal) or ``external_review_decided`` row.
    ``overturn_rate`` = overturned / decided; ``upheld`` counts the decisions that kept the
    denial in full or in part (outcome ``upheld`` or ``partial``).
    Rows of groupings ``clinical_documentation``, ``provider_letter`` and ``parity_cited``
    carry the published figure for yes and no, labelled :data:`PUBLISHED_SOURCE_LABEL`.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"claim_id": ["A", "A", "B", "B"], "plan_id": ["P"] * 4,
    ...     "event": ["appeal_filed", "appeal_decided"] * 2,
    ...     "date": ["2024-03-01", "2024-04-01", "2024-03-02", "2024-04-02"],
    ...     "outcome": [None, "overturned", None, "upheld"],
    ...     "clinical_documentation": ["yes", None, "no", None]})
    >>> out = appeal_outcomes(log).table
    >>> out.loc[out["grouping"] == "clinical_documentation",
    ...         ["group_value", "appeals_decided", "overturned", "published_rate"]].values.tolist()
    [['yes', 1, 1, 0.68], ['no', 1, 0, 0.25]]
    """
    from paritykit.load.appeal_log import AppealLog, read_appeal_log

    if not (isinstance(alpha, int | float) and 0 < float(alpha) < 1):
        raise ConfigurationError(f"alpha must be strictly between 0 and 1; got {alpha!r}.")
    checked = (
        log
        if isinstance(log, AppealLog) and claims is None
        else read_appeal_log(log, claims=claims)
    )
    categories = _categories(claims) if claims is not None else None
    decisions = _decisions(checked.events, categories)
    internal = decisions[decisions["level"] == "internal"]
    external = decisions[decisions["level"] == "external"]
    rows = [_count(internal, "all", ALL_APPEALS, alpha)]
    for payer, part in internal.groupby(C.PLAN_ID, sort=True):
        rows.append(_count(part, "payer", str(payer), alpha))
    for cat, part in internal.groupby(C.CARC_CATEGORY, sort=True):
        rows.append(_count(part, "denial_category", str(cat), alpha))
    for col in C.APPEAL_CONTENTS:
        for value in ("yes", "no", NOT_RECORDED):
            part = internal[internal[col] == value]
            if value != NOT_RECORDED or len(part):
                rows.append(_count(part, col, value, alpha))
    rows.append(_count(external, "external_review", ALL_EXTERNAL, alpha))
    for payer, part in external.groupby(C.PLAN_ID, sort=True):
        rows.append(_count(part, "external_review_payer", str(payer), alpha))
    table = pd.DataFrame(rows, columns=list(APPEAL_OUTCOME_COLUMNS))
    for col in (C.APPEALS_DECIDED, C.OVERTURNED, C.UPHELD):
        table[col] = table[col].astype("int64")
    return AppealOutcomes(table=table, decisions=decisions, alpha=float(alpha))


def appeal_outcome_relations(table: pd.DataFrame) -> list[Relation]:
    """Sums a reader can form: decided = overturned + upheld on each row, and the rows
    of each grouping add up to the grouping's total (all internal appeals, all external reviews).
    """
    relations = row_sum_relations(table, C.APPEALS_DECIDED, [C.OVERTURNED, C.UPHELD])
    totals = {
        "internal": table.index[table[C.GROUPING] == "all"],
        "external": table.index[table[C.GROUPING] == "external_review"],
    }
    for grouping, rows in table.groupby(C.GROUPING, sort=False).groups.items():
        if grouping in ("all", "external_review"):
            continue
        total = totals["external" if grouping == "external_review_payer" else "internal"]
        if not len(total):
            continue
        for column in (C.APPEALS_DECIDED, C.OVERTURNED, C.UPHELD):
            relations.append((*(((i, column), 1.0) for i in rows), ((total[0], column), -1.0)))
    return relations


def suppress_appeal_outcomes(
    table: pd.DataFrame, *, threshold: int = SMALL_CELL_THRESHOLD
) -> pd.DataFrame:
    """Blank counts from 1 to ``threshold - 1`` and the rates that would reveal them.

    A small ``appeals_decided`` blanks the whole row; a small ``overturned`` blanks the rate and
    its interval; further cells are hidden where a sum would reveal a hidden one
    (:func:`paritykit.privacy.suppress_small_cells`). The published figures are never blanked.

    Examples
    --------
    >>> t = pd.DataFrame({"grouping": ["all"], "group_value": ["x"], "appeals_decided": [40],
    ...     "overturned": [3], "upheld": [37], "overturn_rate": [0.075]})
    >>> suppress_appeal_outcomes(t)["suppressed"].tolist()
    ['overturned, upheld, overturn_rate']
    """
    rate = [C.OVERTURN_RATE, C.OVERTURN_RATE_LOW, C.OVERTURN_RATE_HIGH]
    return suppress_small_cells(
        table,
        counts=[C.APPEALS_DECIDED, C.OVERTURNED, C.UPHELD],
        dependents={C.APPEALS_DECIDED: rate, C.OVERTURNED: rate, C.UPHELD: rate},
        whole_row_if=(C.APPEALS_DECIDED,),
        threshold=threshold,
        relations=appeal_outcome_relations(table),
    )

"""Open denials and their appeal deadlines, soonest first.

:func:`open_denials` takes claim lines (from :func:`paritykit.read_835`,
:func:`paritykit.read_billing_export` or a claims table), keeps the denied ones, groups them by
claim, and gives each claim its internal-appeal filing deadline from
:func:`paritykit.appeal_deadlines`. The denial notice date is the ``denial_date`` column where
the data has one, else the remittance's ``payment_date`` (the 835's BPR16 date, which is the
date the payer issued the remittance that carried the denial; the regulations count from
receipt, which is that day or later, so the deadline shown is the same or earlier: safe).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final, Literal

import pandas as pd

from paritykit import columns as C
from paritykit.analysis.appeals import APPEAL_RULES_VERSION, appeal_deadlines
from paritykit.classify.carc import classify_carc
from paritykit.errors import ConfigurationError, DataValidationError

__all__ = [
    "APPEAL_PLAN_TYPES",
    "OPEN_DENIAL_COLUMNS",
    "AppealPlanType",
    "OpenDenials",
    "deadline_plan_type",
    "open_denials",
]

AppealPlanType = Literal[
    "erisa_insured",
    "erisa_self_funded",
    "group",
    "grandfathered_group",
    "individual",
    "non_federal_governmental",
]
#: Plan types accepted here -> the ``plan_type`` of :func:`paritykit.appeal_deadlines`. The
#: plan-facts names (``erisa_insured``, ``erisa_self_funded``) are private employer group plans.
APPEAL_PLAN_TYPES: Final[dict[str, str]] = {
    "erisa_insured": "group",
    "erisa_self_funded": "group",
    "group": "group",
    "grandfathered_group": "grandfathered_group",
    "individual": "individual",
    "non_federal_governmental": "non_federal_governmental",
}
#: Columns of :attr:`OpenDenials.table`: one row per denied claim and notice date.
OPEN_DENIAL_COLUMNS: Final[tuple[str, ...]] = (
    C.CLAIM_ID,
    C.PLAN_ID,
    C.SERVICE_DATE,
    C.PROCEDURE_CODE,
    C.LINES,
    C.BILLED_AMOUNT,
    C.DENIAL_REASON,
    C.CARC_LABEL,
    C.CARC_CATEGORY,
    C.DENIAL_NOTICE_DATE,
    C.NOTICE_DATE_SOURCE,
    C.APPEAL_DEADLINE,
    C.DAYS_LEFT,
    C.EXTERNAL_REVIEW_DEADLINE,
    C.CITATION,
    C.NOTE,
)
NOTICE_FROM_DENIAL_DATE: Final = "denial_date"
NOTICE_FROM_PAYMENT_DATE: Final = "payment_date (remittance date)"


def deadline_plan_type(plan_type: str) -> str:
    """Translate an accepted plan type to the ``plan_type`` of :func:`appeal_deadlines`.

    Examples
    --------
    >>> deadline_plan_type("erisa_insured")
    'group'
    """
    if plan_type == "medicaid_managed_care":
        raise ConfigurationError(
            "plan_type 'medicaid_managed_care': Medicaid managed care appeals follow 42 CFR "
            "438.402 (60 days to appeal to the plan), which paritykit does not compute; read the "
            "plan's notice for the date."
        )
    if plan_type not in APPEAL_PLAN_TYPES:
        raise ConfigurationError(
            f"plan_type must be one of {', '.join(APPEAL_PLAN_TYPES)}; got {plan_type!r}."
        )
    return APPEAL_PLAN_TYPES[plan_type]


@dataclass(frozen=True)
class OpenDenials:
    """Denied claims with their appeal deadlines, soonest first.

    Attributes
    ----------
    table : pandas.DataFrame
        :data:`OPEN_DENIAL_COLUMNS`, sorted by ``appeal_deadline`` then ``claim_id``.
    excluded : pandas.DataFrame
        Denied claims not listed, with ``claim_id``, ``plan_id`` and ``reason`` (no notice date;
        deadline already passed unless ``include_expired``).
    as_of : datetime.date
    plan_type : str
    plan_appeal_days : int or None
    rules_version : str
    """

    table: pd.DataFrame = field(repr=False)
    excluded: pd.DataFrame = field(repr=False)
    as_of: date
    plan_type: str
    plan_appeal_days: int | None
    rules_version: str = APPEAL_RULES_VERSION

    def to_frame(self) -> pd.DataFrame:
        """The open denials (a copy)."""
        return self.table.copy()

    def summary(self) -> str:
        """One line per denial: deadline, days left, claim and payer."""
        lines = [
            f"Open denials as of {self.as_of:%Y-%m-%d} ({self.plan_type}; rules "
            f"{self.rules_version}): {len(self.table)} listed, {len(self.excluded)} not listed"
        ]
        for r in self.table.head(50).itertuples(index=False):
            due = getattr(r, C.APPEAL_DEADLINE)
            lines.append(
                f"  {due:%Y-%m-%d} {getattr(r, C.DAYS_LEFT):>5} days  {getattr(r, C.CLAIM_ID)}  "
                f"{getattr(r, C.PLAN_ID)}  {getattr(r, C.PROCEDURE_CODE)}  "
                f"CARC {getattr(r, C.DENIAL_REASON)} ({getattr(r, C.CARC_CATEGORY)})"
            )
        if len(self.table) > 50:
            lines.append(f"  ... and {len(self.table) - 50} more")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = html.escape(self.summary().splitlines()[0])
        return f"<p>{head}</p>" + self.table.to_html(index=False)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ConfigurationError(
            f"as_of must be a date such as 2024-06-30; got {value!r}."
        ) from None


def _join(values: pd.Series) -> str | None:
    seen = [str(v) for v in dict.fromkeys(values.dropna())]
    return ", ".join(seen) if seen else None


def open_denials(
    claims: pd.DataFrame | Any,
    *,
    as_of: date | datetime | str,
    plan_type: AppealPlanType = "erisa_insured",
    plan_appeal_days: int | None = None,
    include_expired: bool = False,
) -> OpenDenials:
    """List denied claims with their internal-appeal deadline and days left, soonest first.

    Parameters
    ----------
    claims : pandas.DataFrame, Remittances or BillingExport
        Claim lines with ``claim_id``, ``plan_id``, ``status`` and ``denial_date`` or
        ``payment_date``; ``service_date``, ``procedure_code``, ``billed_amount`` and
        ``denial_reason`` are shown when present.
    as_of : date or 'YYYY-MM-DD'
        The day the days left are counted from (usually today).
    plan_type : str, default "erisa_insured"
        One of :data:`APPEAL_PLAN_TYPES` (the same for every claim; run once per plan type).
    plan_appeal_days : int, optional
        The appeal period the plan states (see :func:`paritykit.appeal_deadlines`).
    include_expired : bool, default False
        Also list denials whose filing deadline has passed (negative days left).

    Returns
    -------
    OpenDenials

    Notes
    -----
    One row per denied claim and notice date (the lines of one claim denied on one remittance
    share a deadline). The notice date is ``denial_date`` when present, else ``payment_date``;
    ``notice_date_source`` says which. A claim with neither is listed in ``excluded``.

    Examples
    --------
    >>> import pandas as pd
    >>> lines = pd.DataFrame({"claim_id": ["A", "B", "C"], "plan_id": ["P"] * 3,
    ...     "status": ["denied", "paid", "denied"], "denial_reason": ["50", None, "197"],
    ...     "payment_date": pd.to_datetime(["2024-03-01", "2024-03-01", "2024-01-15"])})
    >>> od = open_denials(lines, as_of="2024-06-30")
    >>> od.table[["claim_id", "appeal_deadline", "days_left"]].values.tolist()
    [['C', Timestamp('2024-07-13 00:00:00'), 13], ['A', Timestamp('2024-08-28 00:00:00'), 59]]
    """
    target = deadline_plan_type(plan_type)
    today = _as_date(as_of)
    data = getattr(claims, "claims", claims)
    if not isinstance(data, pd.DataFrame):
        raise ConfigurationError(
            f"open_denials takes claim lines as a DataFrame (or read_835 / read_billing_export "
            f"results); got {type(claims).__name__}."
        )
    missing = [c for c in (C.CLAIM_ID, C.PLAN_ID, C.STATUS) if c not in data.columns]
    if missing:
        raise DataValidationError(
            f"the claim lines lack column(s) {missing}; found {list(map(str, data.columns))}.",
            pd.DataFrame(),
        )
    if C.DENIAL_DATE not in data.columns and C.PAYMENT_DATE not in data.columns:
        raise DataValidationError(
            "the claim lines have neither a denial_date nor a payment_date column, so no appeal "
            "clock can be started; map the export's denial or remittance date (see "
            "docs/practices.md).",
            pd.DataFrame(),
        )
    denied = data[data[C.STATUS] == "denied"].copy()
    for col in (C.SERVICE_DATE, C.PROCEDURE_CODE, C.BILLED_AMOUNT, C.DENIAL_REASON):
        if col not in denied.columns:
            denied[col] = None
    notice = pd.Series(pd.NaT, index=denied.index, dtype="datetime64[ns]")
    source = pd.Series(None, index=denied.index, dtype=object)
    for col, label in (
        (C.DENIAL_DATE, NOTICE_FROM_DENIAL_DATE),
        (C.PAYMENT_DATE, NOTICE_FROM_PAYMENT_DATE),
    ):
        if col in denied.columns:
            values = pd.to_datetime(denied[col], errors="coerce").astype("datetime64[ns]")
            fill = notice.isna() & values.notna()
            notice[fill] = values[fill]
            source[fill] = label
    denied[C.DENIAL_NOTICE_DATE] = notice
    denied[C.NOTICE_DATE_SOURCE] = source
    classified = classify_carc(denied[[C.DENIAL_REASON]])
    denied[C.CARC_LABEL] = classified[C.CARC_LABEL]
    denied[C.CARC_CATEGORY] = classified[C.CARC_CATEGORY]

    excluded: list[dict[str, object]] = []
    no_date = denied[C.DENIAL_NOTICE_DATE].isna()
    for key, group in denied[no_date].groupby([C.CLAIM_ID, C.PLAN_ID], sort=True):
        excluded.append(
            {
                C.CLAIM_ID: key[0],
                C.PLAN_ID: key[1],
                "reason": f"no denial_date or payment_date on {len(group)} denied line(s)",
            }
        )
    rows: list[dict[str, object]] = []
    keys = [C.CLAIM_ID, C.PLAN_ID, C.DENIAL_NOTICE_DATE, C.NOTICE_DATE_SOURCE]
    cache: dict[date, Any] = {}
    for key, group in denied[~no_date].groupby(keys, sort=True):
        notice_day = pd.Timestamp(key[2]).date()
        if notice_day not in cache:
            cache[notice_day] = appeal_deadlines(
                notice_day,
                plan_type=target,
                plan_appeal_days=plan_appeal_days,  # type: ignore[arg-type]
            )
        deadlines = cache[notice_day]
        due = deadlines.appeal_filing_deadline
        left = (due - today).days
        filing = deadlines.to_frame().iloc[0]
        if left < 0 and not include_expired:
            excluded.append(
                {
                    C.CLAIM_ID: key[0],
                    C.PLAN_ID: key[1],
                    "reason": f"appeal filing deadline has passed ({due:%Y-%m-%d})",
                }
            )
            continue
        billed = pd.to_numeric(group[C.BILLED_AMOUNT], errors="coerce")
        rows.append(
            {
                C.CLAIM_ID: key[0],
                C.PLAN_ID: key[1],
                C.SERVICE_DATE: pd.to_datetime(group[C.SERVICE_DATE], errors="coerce").min(),
                C.PROCEDURE_CODE: _join(group[C.PROCEDURE_CODE]),
                C.LINES: len(group),
                C.BILLED_AMOUNT: float(billed.sum()) if billed.notna().any() else float("nan"),
                C.DENIAL_REASON: _join(group[C.DENIAL_REASON]),
                C.CARC_LABEL: _join(group[C.CARC_LABEL]),
                C.CARC_CATEGORY: _join(group[C.CARC_CATEGORY]),
                C.DENIAL_NOTICE_DATE: pd.Timestamp(notice_day),
                C.NOTICE_DATE_SOURCE: key[3],
                C.APPEAL_DEADLINE: pd.Timestamp(due),
                C.DAYS_LEFT: left,
                C.EXTERNAL_REVIEW_DEADLINE: (
                    pd.Timestamp(deadlines.external_review_deadline)
                    if deadlines.external_review_deadline is not None
                    else pd.NaT
                ),
                C.CITATION: filing[C.CITATION],
                C.NOTE: "; ".join(
                    [
                        *([] if left >= 0 else ["the filing deadline has passed"]),
                        *deadlines.notes,
                    ]
                ),
            }
        )
    table = pd.DataFrame(rows, columns=list(OPEN_DENIAL_COLUMNS))
    for col in (
        C.SERVICE_DATE,
        C.DENIAL_NOTICE_DATE,
        C.APPEAL_DEADLINE,
        C.EXTERNAL_REVIEW_DEADLINE,
    ):
        table[col] = pd.to_datetime(table[col]).astype("datetime64[ns]")
    table[C.DAYS_LEFT] = table[C.DAYS_LEFT].astype("int64")
    table[C.LINES] = table[C.LINES].astype("int64")
    table = table.sort_values([C.APPEAL_DEADLINE, C.CLAIM_ID], kind="stable").reset_index(drop=True)
    return OpenDenials(
        table=table,
        excluded=pd.DataFrame(excluded, columns=[C.CLAIM_ID, C.PLAN_ID, "reason"]),
        as_of=today,
        plan_type=plan_type,
        plan_appeal_days=plan_appeal_days,
    )

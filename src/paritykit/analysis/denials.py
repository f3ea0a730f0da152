"""Open denials and their appeal deadlines, soonest first.

:func:`open_denials` takes claim lines (from :func:`paritykit.read_835`,
:func:`paritykit.read_billing_export` or a claims table), keeps the denied ones, groups them by
claim, and gives each claim its internal-appeal filing deadline from
:func:`paritykit.appeal_deadlines`. The denial notice date is the ``denial_date`` column where
the data has one, else the remittance's ``payment_date`` (the 835's BPR16 date, which is the
date the payer issued the remittance that carried the denial; the regulations count from
receipt, which is that day or later, so the deadline shown is the same or earlier: safe).

The external-review deadline is counted from a ``final_denial_date`` column (when the plan
decided the internal appeal) where the data has one; otherwise it is stated as "4 months after
the final internal denial", never as a date counted from the first denial. A denial whose
reasons are all duplicates (CARC 18, exact duplicate; B13, previously paid) gets the next step
"check and resubmit" instead of an internal appeal.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

import pandas as pd

from paritykit import columns as C
from paritykit.analysis.appeals import (
    APPEAL_RULES_VERSION,
    AppealPlanType,
    appeal_deadlines,
    appeal_rules_for,
    deadline_status,
)
from paritykit.classify.carc import classify_carc
from paritykit.errors import ConfigurationError, DataValidationError
from paritykit.vocab import LEGACY_GROUP_PLAN_TYPES, PLAN_TYPES

__all__ = [
    "APPEAL_PLAN_TYPES",
    "NEXT_STEP_APPEAL",
    "NEXT_STEP_RESUBMIT",
    "OPEN_DENIAL_COLUMNS",
    "AppealPlanType",
    "OpenDenials",
    "next_step_for",
    "open_denials",
]

#: Plan types the appeal functions accept: :data:`paritykit.vocab.PLAN_TYPES` and the older
#: ``group`` / ``grandfathered_group``. Medicaid, CHIP, church and FEHB plans are accepted as
#: names and refused with a message saying where to turn.
APPEAL_PLAN_TYPES: Final[tuple[str, ...]] = PLAN_TYPES + tuple(LEGACY_GROUP_PLAN_TYPES)
#: Next steps (:data:`paritykit.columns.NEXT_STEP`).
NEXT_STEP_APPEAL: Final = "internal appeal"
NEXT_STEP_RESUBMIT: Final = "check and resubmit"
#: CARC categories that call for checking and resubmitting rather than a clinical appeal.
RESUBMIT_CATEGORIES: Final[frozenset[str]] = frozenset({"duplicate"})
RESUBMIT_NOTE: Final = (
    "duplicate denial (CARC 18, exact duplicate, or B13, previously paid): find the original "
    "claim on earlier remittances; if it was paid or denied there, act on that one; resubmit "
    "only a service that was never adjudicated (a corrected claim if the payer asks); no "
    "clinical appeal"
)
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
    C.NEXT_STEP,
    C.DENIAL_NOTICE_DATE,
    C.NOTICE_DATE_SOURCE,
    C.APPEAL_DEADLINE,
    C.DAYS_LEFT,
    C.DEADLINE_STATUS,
    C.FINAL_DENIAL_DATE,
    C.EXTERNAL_REVIEW_DEADLINE,
    C.EXTERNAL_REVIEW_WINDOW,
    C.CITATION,
    C.SOURCE_FILE,
    C.NOTE,
)
NOTICE_FROM_DENIAL_DATE: Final = "denial_date"
NOTICE_FROM_PAYMENT_DATE: Final = "payment_date (remittance date)"


def next_step_for(categories: Any) -> str:
    """The next step for a denial from its CARC categories.

    ``"check and resubmit"`` when every category is a duplicate (CARC 18, B13), else
    ``"internal appeal"``.

    Examples
    --------
    >>> next_step_for(["duplicate"]), next_step_for(["duplicate", "medical_necessity"])
    ('check and resubmit', 'internal appeal')
    """
    found = {str(c) for c in categories if c is not None and not pd.isna(c)}
    if found and found <= RESUBMIT_CATEGORIES:
        return NEXT_STEP_RESUBMIT
    return NEXT_STEP_APPEAL


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
    grandfathered : bool
    rules_version : str
    """

    table: pd.DataFrame = field(repr=False)
    excluded: pd.DataFrame = field(repr=False)
    as_of: date
    plan_type: str
    plan_appeal_days: int | None
    grandfathered: bool = False
    rules_version: str = APPEAL_RULES_VERSION

    def to_frame(self) -> pd.DataFrame:
        """The open denials (a copy)."""
        return self.table.copy()

    def summary(self) -> str:
        """One line per denial: appeal deadline and its status, claim, payer and next step."""
        lines = [
            f"Open denials as of {self.as_of:%Y-%m-%d} ({self.plan_type}"
            f"{', grandfathered' if self.grandfathered else ''}; rules "
            f"{self.rules_version}): {len(self.table)} listed, {len(self.excluded)} not listed"
        ]
        for r in self.table.head(50).itertuples(index=False):
            step = getattr(r, C.NEXT_STEP)
            lines.append(
                f"  {getattr(r, C.DEADLINE_STATUS):<38} {getattr(r, C.CLAIM_ID)}  "
                f"{getattr(r, C.PLAN_ID)}  {getattr(r, C.PROCEDURE_CODE)}  "
                f"CARC {getattr(r, C.DENIAL_REASON)} ({getattr(r, C.CARC_CATEGORY)})"
                + ("" if step == NEXT_STEP_APPEAL else f"  -> {step}")
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
    grandfathered: bool = False,
) -> OpenDenials:
    """List denied claims with their internal-appeal deadline and days left, soonest first.

    Parameters
    ----------
    claims : pandas.DataFrame, Remittances or BillingExport
        Claim lines with ``claim_id``, ``plan_id``, ``status`` and ``denial_date`` or
        ``payment_date``; ``service_date``, ``procedure_code``, ``billed_amount`` and
        ``denial_reason`` are shown when present; ``final_denial_date`` (when the plan upheld
        the denial on internal appeal) starts the external-review clock; ``source_file`` (the
        remittance or export a line came from) is carried into the table.
    as_of : date or 'YYYY-MM-DD'
        The day the days left are counted from (usually today).
    plan_type : str, default "erisa_insured"
        One of :data:`paritykit.vocab.PLAN_TYPES` or the older ``group`` /
        ``grandfathered_group`` (the same for every claim; run once per plan type); see
        :func:`paritykit.appeal_deadlines`.
    plan_appeal_days : int, optional
        The appeal period the plan states (see :func:`paritykit.appeal_deadlines`).
    include_expired : bool, default False
        Also list denials whose filing deadline has passed: negative ``days_left``, and
        ``deadline_status`` "passed on 2024-03-01 (832 days ago)".
    grandfathered : bool, default False
        The plan is grandfathered under the ACA (no federal external review).

    Returns
    -------
    OpenDenials

    Notes
    -----
    One row per denied claim and notice date (the lines of one claim denied on one remittance
    share a deadline). The notice date is ``denial_date`` when present, else ``payment_date``;
    ``notice_date_source`` says which. A claim with neither is listed in ``excluded``.
    ``next_step`` is "check and resubmit" for a duplicate denial (CARC 18 or B13 on every line),
    else "internal appeal".

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
    name, _rules, grandfathered = appeal_rules_for(plan_type, grandfathered)
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
    for col in (
        C.SERVICE_DATE,
        C.PROCEDURE_CODE,
        C.BILLED_AMOUNT,
        C.DENIAL_REASON,
        C.SOURCE_FILE,
        C.FINAL_DENIAL_DATE,
    ):
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
    cache: dict[tuple[date, date | None], Any] = {}
    for key, group in denied[~no_date].groupby(keys, sort=True):
        notice_day = pd.Timestamp(key[2]).date()
        finals = pd.to_datetime(group[C.FINAL_DENIAL_DATE], errors="coerce").dropna()
        final_day = finals.max().date() if len(finals) else None
        if final_day is not None and final_day < notice_day:
            excluded.append(
                {
                    C.CLAIM_ID: key[0],
                    C.PLAN_ID: key[1],
                    "reason": f"final_denial_date {final_day:%Y-%m-%d} is before the denial "
                    f"notice date {notice_day:%Y-%m-%d}; check the dates",
                }
            )
            continue
        if (notice_day, final_day) not in cache:
            cache[notice_day, final_day] = appeal_deadlines(
                notice_day,
                plan_type=name,  # type: ignore[arg-type]
                plan_appeal_days=plan_appeal_days,
                final_denial_date=final_day,
                grandfathered=grandfathered,
                as_of=today,
            )
        deadlines = cache[notice_day, final_day]
        due = deadlines.appeal_filing_deadline
        left = (due - today).days
        filing = deadlines.to_frame().iloc[0]
        step = next_step_for(group[C.CARC_CATEGORY])
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
                C.NEXT_STEP: step,
                C.DENIAL_NOTICE_DATE: pd.Timestamp(notice_day),
                C.NOTICE_DATE_SOURCE: key[3],
                C.APPEAL_DEADLINE: pd.Timestamp(due),
                C.DAYS_LEFT: left,
                C.DEADLINE_STATUS: deadline_status(due, today),
                C.FINAL_DENIAL_DATE: pd.Timestamp(final_day) if final_day else pd.NaT,
                C.EXTERNAL_REVIEW_DEADLINE: (
                    pd.Timestamp(deadlines.external_review_deadline)
                    if deadlines.external_review_deadline is not None
                    else pd.NaT
                ),
                C.EXTERNAL_REVIEW_WINDOW: deadlines.external_review_window,
                C.CITATION: filing[C.CITATION],
                C.SOURCE_FILE: _join(group[C.SOURCE_FILE]),
                C.NOTE: "; ".join(
                    [
                        *([RESUBMIT_NOTE] if step == NEXT_STEP_RESUBMIT else []),
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
        C.FINAL_DENIAL_DATE,
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
        plan_type=name,
        plan_appeal_days=plan_appeal_days,
        grandfathered=grandfathered,
    )

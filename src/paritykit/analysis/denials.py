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

With the practice's appeal log (``log=``, :func:`paritykit.read_appeal_log`) each claim follows
its events: an appeal filed shows when the plan's decision is due, an upheld appeal starts the
four-month external-review window from its decision, decided claims leave the list, and every
row says its next step.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
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
    "OPEN_DENIAL_LOG_COLUMNS",
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
#: Columns added after ``next_step`` when the denials are followed through an appeal log.
OPEN_DENIAL_LOG_COLUMNS: Final[tuple[str, ...]] = (
    C.APPEAL_STAGE,
    C.LAST_EVENT,
    C.LAST_EVENT_DATE,
    C.APPEAL_FILED_DATE,
    C.DECISION_DUE,
    C.NEXT_DEADLINE,
)
#: Stages of :data:`paritykit.columns.APPEAL_STAGE`.
STAGE_DENIED: Final = "denied"
STAGE_RESUBMITTED: Final = "resubmitted"
STAGE_APPEAL_FILED: Final = "appeal filed"
STAGE_APPEAL_UPHELD: Final = "appeal upheld"
STAGE_APPEAL_PARTIAL: Final = "appeal partly upheld"
STAGE_EXTERNAL_REQUESTED: Final = "external review requested"
#: How the plan's receipt of an appeal is dated from the log (the decision clock's start).
RECEIPT_ASSUMPTION: Final = (
    "the plan's receipt of the appeal is taken as the appeal_filed date; an appeal sent by mail "
    "is received later, so the real due date is that day or later"
)
#: What the log's events mean for the decision clock when the claim is not marked urgent.
SERVICE_ASSUMPTION: Final = (
    "a denial on a remittance is a post-service claim (care already given): 60 days "
    "(29 CFR 2560.503-1(i)(2)(iii)); pass service_type='pre_service' for 30 days or urgent=True "
    "for 72 hours"
)


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
        :data:`OPEN_DENIAL_COLUMNS`, sorted by ``appeal_deadline`` then ``claim_id``; with an
        appeal log, :data:`OPEN_DENIAL_LOG_COLUMNS` after ``next_step``, sorted by
        ``next_deadline``.
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
    log: Any = None,
    urgent: bool = False,
    service_type: str = "post_service",
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
    log : path, DataFrame or AppealLog, optional
        The practice's appeal log (:func:`paritykit.read_appeal_log`, checked against
        ``claims``). Each claim then follows its events: an appeal filed shows when the plan's
        decision is due (72 hours urgent, 30 days pre-service, 60 days post-service after the
        plan receives it, 29 CFR 2560.503-1(i)(2); the receipt is taken as the filing date);
        an upheld or partly upheld appeal starts the four-month external-review window from
        the decision's date (45 CFR 147.136(d)(2)(i); 29 CFR 2590.715-2719(d)(2)(i)); a claim
        whose appeal or external review was decided in its favour, or whose external review
        was decided, leaves the list (``excluded`` says why). The columns of
        :data:`OPEN_DENIAL_LOG_COLUMNS` are added and rows are sorted by ``next_deadline``.
    urgent : bool, default False
        The claims concern urgent care: decisions within 72 hours, and expedited external
        review (with ``log``).
    service_type : {"post_service", "pre_service"}
        Denials on remittances are post-service claims (the default); with ``log``.

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

    events_by_claim: dict[str, pd.DataFrame] | None = None
    if log is not None:
        from paritykit.load.appeal_log import read_appeal_log

        checked = read_appeal_log(log, claims=data)
        if len(checked.excluded):
            import warnings

            from paritykit.errors import ParityKitWarning

            warnings.warn(
                f"appeal log {checked.file}: {len(checked.excluded_rows)} row(s) excluded "
                f"({len(checked.excluded)} problem(s)); first: {checked.problem_lines()[0]}",
                ParityKitWarning,
                stacklevel=2,
            )
        events_by_claim = {str(k): g for k, g in checked.events.groupby(C.CLAIM_ID, sort=False)}
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
        followed: dict[str, Any] | None = None
        if events_by_claim is not None:
            followed = _follow(
                events_by_claim.get(str(key[0])),
                step=step,
                filing_due=due,
                today=today,
                plan_type=name,
                grandfathered=grandfathered,
                urgent=urgent,
                service_type=service_type,
                notice_day=notice_day,
            )
            if followed.get("closed"):
                excluded.append(
                    {C.CLAIM_ID: key[0], C.PLAN_ID: key[1], "reason": followed["closed"]}
                )
                continue
            step = followed[C.NEXT_STEP]
            if followed[C.FINAL_DENIAL_DATE] is not None:
                final_day = followed[C.FINAL_DENIAL_DATE]
                deadlines = appeal_deadlines(
                    notice_day,
                    plan_type=name,  # type: ignore[arg-type]
                    plan_appeal_days=plan_appeal_days,
                    final_denial_date=final_day,
                    grandfathered=grandfathered,
                    as_of=today,
                )
            next_due = followed[C.NEXT_DEADLINE]
            expired = (
                followed[C.APPEAL_STAGE] in (STAGE_DENIED, STAGE_RESUBMITTED, STAGE_APPEAL_UPHELD,
                                             STAGE_APPEAL_PARTIAL)
                and next_due is not None
                and next_due < today
            )  # fmt: skip
            if expired and not include_expired:
                what = (
                    "external review request"
                    if followed[C.APPEAL_STAGE] in (STAGE_APPEAL_UPHELD, STAGE_APPEAL_PARTIAL)
                    else "appeal filing"
                )
                excluded.append(
                    {
                        C.CLAIM_ID: key[0],
                        C.PLAN_ID: key[1],
                        "reason": f"{what} deadline has passed ({next_due:%Y-%m-%d})",
                    }
                )
                continue
        if followed is None and left < 0 and not include_expired:
            excluded.append(
                {
                    C.CLAIM_ID: key[0],
                    C.PLAN_ID: key[1],
                    "reason": f"appeal filing deadline has passed ({due:%Y-%m-%d})",
                }
            )
            continue
        billed = pd.to_numeric(group[C.BILLED_AMOUNT], errors="coerce")
        status_due = (
            due
            if followed is None or followed[C.NEXT_DEADLINE] is None
            else (followed[C.NEXT_DEADLINE])
        )
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
                C.DAYS_LEFT: (status_due - today).days,
                C.DEADLINE_STATUS: deadline_status(status_due, today),
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
                        *(
                            []
                            if left >= 0 or (followed and followed[C.APPEAL_STAGE] != STAGE_DENIED)
                            else ["the filing deadline has passed"]
                        ),
                        *(followed["notes"] if followed else []),
                        *deadlines.notes,
                    ]
                ),
                **({c: followed[c] for c in OPEN_DENIAL_LOG_COLUMNS} if followed else {}),
            }
        )
    columns = list(OPEN_DENIAL_COLUMNS)
    if events_by_claim is not None:
        at = columns.index(C.NEXT_STEP) + 1
        columns[at:at] = list(OPEN_DENIAL_LOG_COLUMNS)
    table = pd.DataFrame(rows, columns=columns)
    for col in (
        C.SERVICE_DATE,
        C.DENIAL_NOTICE_DATE,
        C.APPEAL_DEADLINE,
        C.FINAL_DENIAL_DATE,
        C.EXTERNAL_REVIEW_DEADLINE,
        *((C.LAST_EVENT_DATE, C.APPEAL_FILED_DATE, C.DECISION_DUE, C.NEXT_DEADLINE)
          if events_by_claim is not None else ()),
    ):  # fmt: skip
        table[col] = pd.to_datetime(table[col]).astype("datetime64[ns]")
    table[C.DAYS_LEFT] = table[C.DAYS_LEFT].astype("int64")
    table[C.LINES] = table[C.LINES].astype("int64")
    order = [C.NEXT_DEADLINE] if events_by_claim is not None else [C.APPEAL_DEADLINE]
    # ties broken by payer and service date too: the same order whatever order the files came in
    ties = [c for c in (C.CLAIM_ID, C.PLAN_ID, C.SERVICE_DATE) if c in table.columns]
    table = table.sort_values([*order, *ties], kind="stable", na_position="last")
    table = table.reset_index(drop=True)
    return OpenDenials(
        table=table,
        excluded=pd.DataFrame(excluded, columns=[C.CLAIM_ID, C.PLAN_ID, "reason"]),
        as_of=today,
        plan_type=name,
        plan_appeal_days=plan_appeal_days,
        grandfathered=grandfathered,
    )


def _day(value: Any) -> date:
    return pd.Timestamp(value).date()


def _who(rec: dict[str, Any]) -> str:
    parts = [
        f"representative {rec[C.REPRESENTATIVE]}" if rec.get(C.REPRESENTATIVE) else "",
        f"reference {rec[C.REFERENCE_NUMBER]}" if rec.get(C.REFERENCE_NUMBER) else "",
    ]
    said = ", ".join(p for p in parts if p)
    return f" ({said})" if said else ""


def _follow(
    events: pd.DataFrame | None,
    *,
    step: str,
    filing_due: date,
    today: date,
    plan_type: str,
    grandfathered: bool,
    urgent: bool,
    service_type: str,
    notice_day: date,
) -> dict[str, Any]:
    """Walk one claim's logged events: its stage, next step and next deadline (or why closed).

    The periods come from :func:`paritykit.appeal_deadlines`: the plan's decision 72 hours
    (urgent), 30 days (pre-service) or 60 days (post-service) after it receives the appeal,
    29 CFR 2560.503-1(i)(2); external review within four months of the final internal adverse
    determination, 45 CFR 147.136(d)(2)(i) and 29 CFR 2590.715-2719(d)(2)(i).
    """
    state: dict[str, Any] = {
        C.APPEAL_STAGE: STAGE_DENIED,
        C.NEXT_STEP: step,
        C.LAST_EVENT: None,
        C.LAST_EVENT_DATE: None,
        C.APPEAL_FILED_DATE: None,
        C.DECISION_DUE: None,
        C.NEXT_DEADLINE: filing_due,
        C.FINAL_DENIAL_DATE: None,
        "notes": [],
        "closed": None,
    }
    if events is None or events.empty:
        return state
    notes: list[str] = []
    for rec in events.to_dict("records"):
        event, day = rec[C.EVENT], _day(rec[C.EVENT_DATE])
        if day > today:  # logged after the as-of day: not known yet on that day
            notes.append(f"{event} on {day:%Y-%m-%d} is after the as-of date and not applied")
            continue
        state[C.LAST_EVENT], state[C.LAST_EVENT_DATE] = event, pd.Timestamp(day)
        outcome = rec.get(C.OUTCOME)
        if event == "call":
            notes.append(f"called the payer on {day:%Y-%m-%d}{_who(rec)}")
        elif event == "complaint_filed":
            notes.append(f"complaint filed on {day:%Y-%m-%d}{_who(rec)}")
        elif event == "resubmitted":
            state.update(
                {
                    C.APPEAL_STAGE: STAGE_RESUBMITTED,
                    C.NEXT_STEP: (
                        "watch later remittances for the resubmitted claim; if it is denied "
                        f"again, file the internal appeal by {filing_due:%Y-%m-%d}"
                    ),
                    C.NEXT_DEADLINE: filing_due,
                }
            )
            notes.append(f"resubmitted on {day:%Y-%m-%d}")
        elif event == "appeal_filed":
            d = appeal_deadlines(
                notice_day,
                plan_type=plan_type,  # type: ignore[arg-type]
                urgent=urgent,
                service_type=service_type,  # type: ignore[arg-type]
                appeal_received=day,
                grandfathered=grandfathered,
                as_of=today,
            )
            due = d.decision_due
            due_day = due.date() if isinstance(due, datetime) else due
            cite = d.to_frame().iloc[1][C.CITATION]
            text = (
                f"await the plan's decision on the appeal: due {due_day:%Y-%m-%d} "
                f"({d.decision_period} after receipt, {cite})"
            )
            if due_day is not None and due_day < today:
                text = (
                    f"the plan's decision is overdue (due {due_day:%Y-%m-%d}, {d.decision_period} "
                    f"after receipt, {cite}): ask the plan in writing for its decision; a plan "
                    "that does not follow the claims procedure lets the claimant treat the "
                    "internal appeal as exhausted (29 CFR 2560.503-1(l)(1))"
                )
            state.update(
                {
                    C.APPEAL_STAGE: STAGE_APPEAL_FILED,
                    C.NEXT_STEP: text,
                    C.APPEAL_FILED_DATE: pd.Timestamp(day),
                    C.DECISION_DUE: pd.Timestamp(due_day),
                    C.NEXT_DEADLINE: due_day,
                    C.FINAL_DENIAL_DATE: None,
                }
            )
            for assumption in (RECEIPT_ASSUMPTION, None if urgent else SERVICE_ASSUMPTION):
                if assumption and assumption not in notes:
                    notes.append(assumption)
        elif event == "appeal_decided":
            if outcome == "overturned":
                state["closed"] = (
                    f"appeal overturned on {day:%Y-%m-%d}: watch for the reprocessed payment"
                )
                break
            state[C.FINAL_DENIAL_DATE] = day
            state[C.APPEAL_STAGE] = (
                STAGE_APPEAL_PARTIAL if outcome == "partial" else STAGE_APPEAL_UPHELD
            )
            if grandfathered:
                state[C.NEXT_STEP] = (
                    "no federal external review (grandfathered plan): check the plan document "
                    "and state law; consider a complaint"
                )
                state[C.NEXT_DEADLINE] = None
                continue
            d = appeal_deadlines(
                notice_day,
                plan_type=plan_type,  # type: ignore[arg-type]
                final_denial_date=day,
                as_of=today,
            )
            ext = d.external_review_deadline
            cite = d.to_frame().iloc[2][C.CITATION]
            if urgent:
                text = (
                    f"request expedited external review now (urgent care; decided within 72 "
                    f"hours, {d.to_frame().iloc[3][C.CITATION]}); the standard request is due by "
                    f"{ext:%Y-%m-%d} (4 months after the final internal denial, {cite})"
                )
            else:
                text = (
                    f"request external review by {ext:%Y-%m-%d} (4 months after the final "
                    f"internal denial of {day:%Y-%m-%d}, {cite})"
                )
            state[C.NEXT_STEP] = text
            state[C.NEXT_DEADLINE] = ext
        elif event == "external_review_requested":
            state.update(
                {
                    C.APPEAL_STAGE: STAGE_EXTERNAL_REQUESTED,
                    C.NEXT_STEP: (
                        "await the external review decision"
                        + (" (expedited: within 72 hours of the reviewer's receipt)" if urgent
                           else "")
                    ),
                    C.NEXT_DEADLINE: (day + timedelta(days=3)) if urgent else None,
                }
            )  # fmt: skip
        elif event == "external_review_decided":
            state["closed"] = (
                f"external review decided on {day:%Y-%m-%d}: the denial was overturned, and the "
                "plan must pay"
                if outcome == "overturned"
                else f"external review decided on {day:%Y-%m-%d} ({outcome}): the review is "
                "final; consider a complaint about the pattern (paritykit complaint)"
            )
    if state["closed"] is None:
        state["notes"] = notes
    return state

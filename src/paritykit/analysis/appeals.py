"""Appeal deadlines after a claim denial, with the regulation behind each date.

:func:`appeal_deadlines` gives, for one adverse benefit determination, the last day to file an
internal appeal, when the plan must decide the appeal, and the last day to request external
review. The calendar rules (``docs/remittances.md``):

- Internal appeal: the denial date plus 180 calendar days, or the plan's longer period
  (29 CFR 2560.503-1(h)(3)(i)). A plan stating fewer days is below the federal minimum; the
  180 days apply and a note says so. No weekend or holiday extension (the rule has none).
- Plan decision: 72 hours (urgent care), 30 days (pre-service) or 60 days (post-service) after
  the plan receives the appeal (29 CFR 2560.503-1(i)(2)); with two appeal levels, 15 and 30
  days per level.
- External review request: four months after receipt of the final internal adverse
  determination: the same day of the month four months later; when that month has no such day,
  the first day of the following (fifth) month; when the date is a Saturday, Sunday or Federal
  holiday, the next day that is none of these (29 CFR 2590.715-2719(d)(2)(i);
  45 CFR 147.136(d)(2)(i)). Without the final internal denial's date no date is given: the
  window is stated as "4 months after the final internal denial".
- Expedited external review (urgent care): decided within 72 hours of the independent review
  organization's receipt of the request (29 CFR 2590.715-2719(d)(3); 45 CFR 147.136(d)(3)).

Plan types are those of :data:`paritykit.vocab.PLAN_TYPES`, plus the older ``group`` and
``grandfathered_group``. Medicaid, CHIP, church and FEHB plans follow other appeal rules: they
are refused with a message saying where to turn (:data:`APPEALS_NOT_COMPUTED`).
"""

from __future__ import annotations

import calendar
import html
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Final, Literal

import pandas as pd

from paritykit import columns as C
from paritykit.citations import cite
from paritykit.errors import ConfigurationError
from paritykit.vocab import (
    ERISA_PLAN_TYPES,
    LEGACY_GROUP_PLAN_TYPES,
    PlanType,
    normalize_plan_type,
)

__all__ = [
    "APPEALS_NOT_COMPUTED",
    "APPEAL_RULES_VERSION",
    "DEADLINE_COLUMNS",
    "EXTERNAL_REVIEW_PENDING",
    "AppealDeadlines",
    "AppealPlanType",
    "PlanType",
    "ServiceType",
    "add_months_rule",
    "appeal_deadlines",
    "appeal_rules_for",
    "deadline_status",
    "federal_holidays",
]

#: Version of the deadline rules below; recorded in every result.
APPEAL_RULES_VERSION: Final = "2026.1"

#: The plan types the appeal functions accept: the one vocabulary plus the older group names.
AppealPlanType = PlanType | Literal["group", "grandfathered_group"]
ServiceType = Literal["pre_service", "post_service"]
SERVICE_TYPES: Final[tuple[str, ...]] = ("pre_service", "post_service")

#: Columns of :meth:`AppealDeadlines.to_frame`.
DEADLINE_COLUMNS: Final[tuple[str, ...]] = (
    C.DEADLINE,
    C.DUE_DATE,
    C.PERIOD,
    C.START_DATE,
    C.COUNTED_FROM,
    C.CITATION,
    C.NOTE,
    C.DAYS_LEFT,
    C.DEADLINE_STATUS,
)

FEDERAL_MINIMUM_APPEAL_DAYS: Final = 180
EXTERNAL_REVIEW_MONTHS: Final = 4
#: The external-review window while the final internal denial's date is not known.
EXTERNAL_REVIEW_PENDING: Final = "4 months after the final internal denial"

#: Plan types whose appeal deadlines paritykit does not compute, with where to turn instead.
APPEALS_NOT_COMPUTED: Final[dict[str, str]] = {
    "medicaid_managed_care": (
        "plan_type 'medicaid_managed_care': Medicaid managed care appeals follow 42 CFR "
        "438.402 (60 days from the notice to appeal to the plan, then a State fair hearing), "
        "which paritykit does not compute; read the plan's notice for the date, and contact the "
        "plan or the state Medicaid agency."
    ),
    "chip": (
        "plan_type 'chip': CHIP managed care appeals follow 42 CFR 457.1260, which applies the "
        "Medicaid appeal rules of 42 CFR part 438, subpart F (42 CFR 438.402), with a State "
        "review (42 CFR part 457, subpart K) in place of a fair hearing; paritykit does not "
        "compute them. Read the plan's notice for the date, and contact the plan or the state "
        "CHIP agency."
    ),
    "church": (
        "plan_type 'church': paritykit does not compute church plan appeal deadlines or draft "
        "this letter. A church plan is outside ERISA unless it elected ERISA coverage "
        "(29 U.S.C. 1003(b)(2)); a non-grandfathered church plan must follow the Internal "
        "Revenue Code's claims and appeals rule (26 CFR 54.9815-2719), and an insured one its "
        "insurer's state-regulated appeal process. Follow the appeal steps in the denial "
        "notice and ask the plan administrator (for an insured plan, the state insurance "
        "regulator) about the deadlines. If the plan elected ERISA coverage, use plan_type "
        "erisa_insured or erisa_self_funded."
    ),
    "fehb": (
        "plan_type 'fehb': FEHB plans: ask the carrier in writing to reconsider, within 6 months "
        "of the denial notice, then OPM to review the carrier's decision, under 5 CFR 890.105; "
        "paritykit does not compute these deadlines or draft this letter."
    ),
}

# Citations by rule family: "erisa" (private employer plans), "non_federal_governmental",
# "individual"; grandfathered ERISA plans keep only the ERISA claims rule.
# (All from the checked table, paritykit.citations.)
_FILING_CITATION: Final[dict[str, str]] = {
    "erisa": f"{cite('appeal_period')}; {cite('aca_appeals_erisa')}",
    "erisa_grandfathered": cite("appeal_period"),
    "non_federal_governmental": f"{cite('claims_aca_group')}, applying {cite('appeal_period')}",
    "individual": f"{cite('claims_aca_individual')}, applying {cite('appeal_period')}",
}
_DECISION_CITATION: Final[dict[str, str]] = {
    "urgent": cite("urgent_decision"),
    "pre_service": cite("pre_service_decision"),
    "post_service": cite("post_service_decision"),
}
_EXTERNAL_CITATION: Final[dict[str, str]] = {
    "erisa": cite("external_erisa"),
    "non_federal_governmental": cite("external_aca"),
    "individual": cite("external_aca"),
}
_EXPEDITED_CITATION: Final[dict[str, str]] = {
    "erisa": cite("expedited_erisa"),
    "non_federal_governmental": cite("expedited_aca"),
    "individual": cite("expedited_aca"),
}


def appeal_rules_for(plan_type: str, grandfathered: bool = False) -> tuple[str, str, bool]:
    """Which federal appeal rules apply to a plan type.

    Parameters
    ----------
    plan_type : str
        A plan type of :data:`paritykit.vocab.PLAN_TYPES` (any accepted spelling), or the older
        ``group`` / ``grandfathered_group``.
    grandfathered : bool, default False
        The plan is grandfathered under the ACA (29 CFR 2590.715-1251).

    Returns
    -------
    tuple of (str, str, bool)
        The plan type as normalized, the rule family (``"erisa"``,
        ``"non_federal_governmental"`` or ``"individual"``) and whether the plan is
        grandfathered.

    Raises
    ------
    ConfigurationError
        For an unknown plan type (listing the accepted ones), for plans whose appeals follow
        other rules (:data:`APPEALS_NOT_COMPUTED`, saying where to turn), and for grandfathered
        coverage other than private employer plans (no federal appeal rule applies).

    Examples
    --------
    >>> appeal_rules_for("grandfathered_group")
    ('grandfathered_group', 'erisa', True)
    """
    name = normalize_plan_type(plan_type, accept_group=True)
    if name in APPEALS_NOT_COMPUTED:
        raise ConfigurationError(APPEALS_NOT_COMPUTED[name])
    if name in LEGACY_GROUP_PLAN_TYPES:
        return name, "erisa", bool(grandfathered or LEGACY_GROUP_PLAN_TYPES[name])
    if name in ERISA_PLAN_TYPES:
        return name, "erisa", bool(grandfathered)
    if grandfathered:
        raise ConfigurationError(
            f"grandfathered {name.replace('_', ' ')} coverage: the federal claims and appeals "
            "rule (45 CFR 147.136) does not apply to grandfathered plans, so paritykit has no "
            "federal deadline to compute; follow the plan's notice and state law (the state "
            "insurance regulator can say which applies)."
        )
    return name, name, False


def deadline_status(due: date | None, as_of: date | None, *, pending: str = "") -> str:
    """A deadline as words relative to ``as_of``: days left, due today, or passed on a date.

    Examples
    --------
    >>> deadline_status(date(2024, 3, 1), date(2026, 6, 10))
    'passed on 2024-03-01 (831 days ago)'
    >>> deadline_status(date(2024, 3, 1), date(2024, 2, 29))
    '1 day left (due 2024-03-01)'
    >>> deadline_status(None, date(2024, 2, 29), pending="4 months after the final internal denial")
    '4 months after the final internal denial'
    """
    if due is None:
        return pending
    if as_of is None:
        return f"due {due:%Y-%m-%d}"
    left = (due - as_of).days
    if left < 0:
        ago = -left
        return f"passed on {due:%Y-%m-%d} ({ago} day{'s' if ago != 1 else ''} ago)"
    if left == 0:
        return f"due today ({due:%Y-%m-%d})"
    return f"{left} day{'s' if left != 1 else ''} left (due {due:%Y-%m-%d})"


@dataclass(frozen=True)
class AppealDeadlines:
    """Deadlines that follow one denial, each with its citation.

    Attributes
    ----------
    denial_date : datetime.date
        Date the claimant received the adverse benefit determination.
    plan_type, service_type : str
    urgent : bool
    plan_appeal_days : int or None
        The appeal period the plan states, if given.
    appeal_levels : int
    appeal_received : datetime.date or None
        When the plan received the appeal (starts the decision clock).
    final_denial_date : datetime.date or None
        When the claimant received the final internal denial (starts the external-review clock).
    appeal_filing_deadline : datetime.date
    appeal_days : int
        Days allowed to file the internal appeal.
    decision_due : datetime.date or None
        None until ``appeal_received`` is known.
    decision_period : str
        ``"72 hours"``, ``"30 days"``, ...
    external_review_deadline : datetime.date or None
        None until ``final_denial_date`` is known, and where federal law requires no external
        review (grandfathered plans).
    external_review_from : datetime.date or None
        The date the four months run from (the final internal denial), when known.
    grandfathered : bool
    as_of : datetime.date or None
        The day ``days_left`` and ``deadline_status`` are counted from.
    notes : tuple of str
    rules_version : str
    """

    denial_date: date
    plan_type: str
    service_type: str
    urgent: bool
    plan_appeal_days: int | None
    appeal_levels: int
    appeal_received: date | None
    final_denial_date: date | None
    appeal_filing_deadline: date
    appeal_days: int
    decision_due: date | None
    decision_period: str
    external_review_deadline: date | None
    external_review_from: date | None
    grandfathered: bool = False
    as_of: date | None = None
    notes: tuple[str, ...] = field(default=())
    rules_version: str = APPEAL_RULES_VERSION
    _rows: tuple[dict[str, object], ...] = field(default=(), repr=False)

    @property
    def external_review_window(self) -> str:
        """The external-review filing window as words: a date, or when it will start."""
        if self.grandfathered:
            return "no federal external review (grandfathered plan)"
        if self.external_review_deadline is None:
            return EXTERNAL_REVIEW_PENDING
        return deadline_status(self.external_review_deadline, self.as_of)

    def to_frame(self) -> pd.DataFrame:
        """One row per deadline (:data:`DEADLINE_COLUMNS`)."""
        frame = pd.DataFrame(list(self._rows), columns=list(DEADLINE_COLUMNS))
        for col in (C.DUE_DATE, C.START_DATE):
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
        frame[C.DAYS_LEFT] = frame[C.DAYS_LEFT].astype("Int64")
        return frame

    def summary(self) -> str:
        """The deadlines as text."""
        lines = [
            f"Appeal deadlines for a denial received {self.denial_date:%Y-%m-%d} "
            f"({self.plan_type}{', grandfathered' if self.grandfathered else ''}, "
            f"{'urgent' if self.urgent else self.service_type}; rules {self.rules_version}"
            + (f"; as of {self.as_of:%Y-%m-%d}" if self.as_of else "")
            + ")"
        ]
        for row in self._rows:
            lines.append(
                f"  {row[C.DEADLINE]:<26} {row[C.DEADLINE_STATUS]:<44} {row[C.PERIOD]:<9} "
                f"{row[C.CITATION]}"
            )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = html.escape(self.summary().splitlines()[0])
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return f"<p>{head}</p>" + self.to_frame().to_html(index=False) + f"<ul>{notes}</ul>"


def _as_date(value: object, name: str) -> date:
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            raise ConfigurationError(f"{name} is missing; expected a date such as 2024-03-01.")
        return value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigurationError(
        f"{name} must be a date (datetime.date, pandas.Timestamp or 'YYYY-MM-DD'); got {value!r}."
    )


def add_months_rule(start: date, months: int) -> date:
    """The same day of the month ``months`` later; if that month lacks the day, the 1st of the next.

    This is the regulation's rule for "four months" (29 CFR 2590.715-2719(d)(2)(i): a notice
    received October 30 gives March 1). Weekends and holidays are not handled here.

    Examples
    --------
    >>> add_months_rule(date(2023, 10, 30), 4)
    datetime.date(2024, 3, 1)
    >>> add_months_rule(date(2023, 10, 29), 4)  # 2024 is a leap year
    datetime.date(2024, 2, 29)
    """
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    if start.day <= calendar.monthrange(year, month)[1]:
        return date(year, month, start.day)
    index += 1
    return date(start.year + index // 12, index % 12 + 1, 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


@lru_cache(maxsize=64)
def federal_holidays(year: int) -> dict[date, str]:
    """US Federal legal public holidays of ``year`` (5 U.S.C. 6103(a)), with observed days.

    A holiday on a Saturday is observed the Friday before and one on a Sunday the Monday after
    (5 U.S.C. 6103(b); Executive Order 11582); both the date and the observed day are listed.
    Juneteenth counts from 2021. Inauguration Day (local to Washington, DC) is not included.

    Examples
    --------
    >>> federal_holidays(2021)[date(2021, 7, 5)]
    'Independence Day (observed)'
    >>> date(2024, 11, 28) in federal_holidays(2024)  # Thanksgiving
    True
    """
    days = {
        date(year, 1, 1): "New Year's Day",
        _nth_weekday(year, 1, 0, 3): "Birthday of Martin Luther King, Jr.",
        _nth_weekday(year, 2, 0, 3): "Washington's Birthday",
        _last_weekday(year, 5, 0): "Memorial Day",
        date(year, 7, 4): "Independence Day",
        _nth_weekday(year, 9, 0, 1): "Labor Day",
        _nth_weekday(year, 10, 0, 2): "Columbus Day",
        date(year, 11, 11): "Veterans Day",
        _nth_weekday(year, 11, 3, 4): "Thanksgiving Day",
        date(year, 12, 25): "Christmas Day",
    }
    if year >= 2021:
        days[date(year, 6, 19)] = "Juneteenth National Independence Day"
    out = dict(days)
    for day, name in days.items():
        if day.weekday() == 5:
            out.setdefault(day - timedelta(days=1), f"{name} (observed)")
        elif day.weekday() == 6:
            out.setdefault(day + timedelta(days=1), f"{name} (observed)")
    # New Year's Day on a Saturday is observed on December 31 of the year before.
    next_new_year = date(year + 1, 1, 1)
    if next_new_year.weekday() == 5:
        out.setdefault(date(year, 12, 31), "New Year's Day (observed)")
    return out


def _next_business_day(day: date) -> tuple[date, list[str]]:
    skipped: list[str] = []
    while day.weekday() >= 5 or day in federal_holidays(day.year):
        reason = federal_holidays(day.year).get(day) if day.weekday() < 5 else day.strftime("%A")
        skipped.append(f"{day:%Y-%m-%d} ({reason})")
        day += timedelta(days=1)
    return day, skipped


def appeal_deadlines(
    denial_date: date | datetime | pd.Timestamp | str,
    *,
    plan_type: AppealPlanType,
    urgent: bool = False,
    plan_appeal_days: int | None = None,
    service_type: ServiceType = "post_service",
    appeal_received: date | datetime | pd.Timestamp | str | None = None,
    final_denial_date: date | datetime | pd.Timestamp | str | None = None,
    appeal_levels: Literal[1, 2] = 1,
    grandfathered: bool = False,
    as_of: date | datetime | pd.Timestamp | str | None = None,
) -> AppealDeadlines:
    """Deadlines for appealing one denial: internal appeal, plan decision, external review.

    Parameters
    ----------
    denial_date : date or 'YYYY-MM-DD'
        The date the claimant received the denial (adverse benefit determination). The
        regulations count from receipt; if only the date printed on the notice is known, using
        it gives earlier, safe deadlines.
    plan_type : str
        One of :data:`paritykit.vocab.PLAN_TYPES` (any accepted spelling): ``erisa_insured`` or
        ``erisa_self_funded`` (private employer plans; the deadlines are the same),
        ``non_federal_governmental`` (state or local government employer plan) or
        ``individual``. The older ``group`` (= a private employer plan) and
        ``grandfathered_group`` (= ``group`` with ``grandfathered=True``) are accepted.
        ``medicaid_managed_care``, ``chip``, ``church`` and ``fehb`` are refused with a message
        saying where to turn (:data:`APPEALS_NOT_COMPUTED`).
    urgent : bool
        Urgent care (the 72-hour clock).
    plan_appeal_days : int, optional
        The appeal period the plan document states. Longer than 180 days: it applies. Shorter:
        the 180-day federal minimum applies and a note records the plan's shorter period.
    service_type : {"pre_service", "post_service"}
        Pre-service (prior authorization) or post-service (claim for care received).
    appeal_received : date, optional
        When the plan received the appeal; without it ``decision_due`` is None.
    final_denial_date : date, optional
        When the claimant received the final internal denial; the external-review deadline is
        counted from it. Without it no date is given: the window is "4 months after the final
        internal denial".
    appeal_levels : {1, 2}
        Levels of internal appeal the plan has (individual coverage allows one).
    grandfathered : bool, default False
        A private employer plan grandfathered under the ACA (29 CFR 2590.715-1251): the ERISA
        claims rule applies, federal external review does not.
    as_of : date, optional
        Count ``days_left`` and ``deadline_status`` from this day (usually today); a passed
        deadline reads "passed on 2024-03-01 (832 days ago)".

    Returns
    -------
    AppealDeadlines

    Raises
    ------
    ConfigurationError
        An option is not one of the allowed values, a date is not a date, a later date is
        before the denial, or ``plan_appeal_days`` is not a positive whole number.

    Examples
    --------
    >>> d = appeal_deadlines("2024-10-31", plan_type="erisa_insured")
    >>> d.appeal_filing_deadline, d.external_review_deadline, d.external_review_window
    (datetime.date(2025, 4, 29), None, '4 months after the final internal denial')
    >>> d.to_frame()["period"].tolist()
    ['180 days', '60 days', '4 months', '72 hours']
    >>> final = appeal_deadlines("2024-10-31", plan_type="erisa_insured",
    ...                          final_denial_date="2024-10-31")
    >>> final.external_review_deadline
    datetime.date(2025, 3, 3)
    """
    name, rules, grandfathered = appeal_rules_for(plan_type, grandfathered)
    if service_type not in SERVICE_TYPES:
        raise ConfigurationError(
            f"service_type must be 'pre_service' or 'post_service'; got {service_type!r}."
        )
    if appeal_levels not in (1, 2):
        raise ConfigurationError(f"appeal_levels must be 1 or 2; got {appeal_levels!r}.")
    if rules == "individual" and appeal_levels == 2:
        raise ConfigurationError(
            "individual coverage has one level of internal appeal (45 CFR 147.136(b)(3)); "
            "use appeal_levels=1."
        )
    if plan_appeal_days is not None and (
        isinstance(plan_appeal_days, bool)
        or not isinstance(plan_appeal_days, int)
        or plan_appeal_days <= 0
    ):
        raise ConfigurationError(
            f"plan_appeal_days must be a positive whole number of days; got {plan_appeal_days!r}."
        )
    denied = _as_date(denial_date, "denial_date")
    received = None if appeal_received is None else _as_date(appeal_received, "appeal_received")
    final = None if final_denial_date is None else _as_date(final_denial_date, "final_denial_date")
    today = None if as_of is None else _as_date(as_of, "as_of")
    for label, value in (("appeal_received", received), ("final_denial_date", final)):
        if value is not None and value < denied:
            raise ConfigurationError(
                f"{label} ({value:%Y-%m-%d}) is before denial_date ({denied:%Y-%m-%d}); "
                "check the dates."
            )

    notes: list[str] = []
    rows: list[dict[str, object]] = []

    def add(row: dict[str, object], pending: str) -> None:
        due = row[C.DUE_DATE]
        day = due.date() if isinstance(due, datetime) else due
        row[C.DAYS_LEFT] = (day - today).days if day is not None and today is not None else None
        row[C.DEADLINE_STATUS] = deadline_status(day, today, pending=pending)  # type: ignore[arg-type]
        rows.append(row)

    # 1. internal appeal filing
    days = FEDERAL_MINIMUM_APPEAL_DAYS
    filing_note = "calendar days from receipt of the denial; no weekend or holiday extension"
    if plan_appeal_days is not None and plan_appeal_days > FEDERAL_MINIMUM_APPEAL_DAYS:
        days = plan_appeal_days
        filing_note = f"the plan states {plan_appeal_days} days, longer than the federal minimum"
    elif plan_appeal_days is not None and plan_appeal_days < FEDERAL_MINIMUM_APPEAL_DAYS:
        plan_date = denied + timedelta(days=plan_appeal_days)
        filing_note = (
            f"the plan states {plan_appeal_days} days (until {plan_date:%Y-%m-%d}), below the "
            f"180-day federal minimum; the 180 days apply. Filing by {plan_date:%Y-%m-%d} avoids "
            "a dispute; otherwise cite the regulation"
        )
        notes.append(filing_note)
    filing_due = denied + timedelta(days=days)
    add(
        {
            C.DEADLINE: "internal_appeal_filing",
            C.DUE_DATE: filing_due,
            C.PERIOD: f"{days} days",
            C.START_DATE: denied,
            C.COUNTED_FROM: "receipt of the denial",
            C.CITATION: _FILING_CITATION["erisa_grandfathered" if grandfathered else rules],
            C.NOTE: filing_note,
        },
        "",
    )

    # 2. plan decision on the appeal
    if urgent:
        period, delta, key = "72 hours", timedelta(hours=72), "urgent"
        decision_note = (
            "72 hours from the time the plan received the appeal; shown as the same time of day "
            "three days later"
        )
    else:
        key = service_type
        per_level = {"pre_service": (30, 15), "post_service": (60, 30)}[service_type]
        n = per_level[0] if appeal_levels == 1 else per_level[1]
        period, delta = f"{n} days", timedelta(days=n)
        decision_note = "from the plan's receipt of the appeal"
        if appeal_levels == 2:
            decision_note += "; the plan has two appeal levels, so this applies to each level"
    decision_due = None if received is None else received + delta
    if received is None:
        decision_note += "; the appeal has not been received yet"
    add(
        {
            C.DEADLINE: "plan_decision",
            C.DUE_DATE: decision_due,
            C.PERIOD: period,
            C.START_DATE: received,
            C.COUNTED_FROM: "receipt of the appeal by the plan",
            C.CITATION: _DECISION_CITATION[key],
            C.NOTE: decision_note,
        },
        f"{period} after the plan receives the appeal",
    )

    # 3. external review request (and 4. expedited external review)
    external_due = None
    if grandfathered:
        ext_note = (
            "federal law does not require external review for grandfathered plans (except for "
            "surprise-billing claims under the No Surprises Act); check the plan document and "
            "state law"
        )
        notes.append(ext_note)
        add(
            {
                C.DEADLINE: "external_review_request",
                C.DUE_DATE: None,
                C.PERIOD: f"{EXTERNAL_REVIEW_MONTHS} months",
                C.START_DATE: final,
                C.COUNTED_FROM: "receipt of the final internal denial",
                C.CITATION: f"{cite('grandfathered_erisa')}; {cite('grandfathered_def')}",
                C.NOTE: ext_note,
            },
            "no federal external review (grandfathered plan)",
        )
    else:
        parts = ["four months after receipt of the final internal denial"]
        if final is not None:
            raw = add_months_rule(final, EXTERNAL_REVIEW_MONTHS)
            external_due, skipped = _next_business_day(raw)
            if raw.day == 1 and final.day != 1:
                parts.append(
                    f"{final:%B} {final.day} has no counterpart four months later, so the first "
                    "day of the fifth month"
                )
            if skipped:
                parts.append("moved past " + ", ".join(skipped))
        else:
            parts.append(
                "the date is known once the plan decides the appeal: pass final_denial_date "
                "(column final_denial_date) to compute it"
            )
        if name != "erisa_self_funded":
            parts.append(
                "where a state external review process applies, it must allow at least four months"
            )
        add(
            {
                C.DEADLINE: "external_review_request",
                C.DUE_DATE: external_due,
                C.PERIOD: f"{EXTERNAL_REVIEW_MONTHS} months",
                C.START_DATE: final,
                C.COUNTED_FROM: "receipt of the final internal denial",
                C.CITATION: _EXTERNAL_CITATION[rules],
                C.NOTE: "; ".join(parts),
            },
            EXTERNAL_REVIEW_PENDING,
        )
        add(
            {
                C.DEADLINE: "expedited_external_review",
                C.DUE_DATE: None,
                C.PERIOD: "72 hours",
                C.START_DATE: None,
                C.COUNTED_FROM: "receipt of the request by the independent review organization",
                C.CITATION: _EXPEDITED_CITATION[rules],
                C.NOTE: (
                    "urgent care: when the standard timeframe would seriously jeopardize the "
                    "claimant's life or health or ability to regain maximum function, expedited "
                    "external review can be requested together with an urgent internal appeal, "
                    "or after the final internal denial (also for an admission, continued stay "
                    "or service after emergency care, before discharge); the reviewer decides as "
                    "fast as the medical condition requires and within 72 hours"
                ),
            },
            "on request, for urgent care: decided within 72 hours",
        )
    return AppealDeadlines(
        denial_date=denied,
        plan_type=name,
        service_type=service_type,
        urgent=urgent,
        plan_appeal_days=plan_appeal_days,
        appeal_levels=appeal_levels,
        appeal_received=received,
        final_denial_date=final,
        appeal_filing_deadline=filing_due,
        appeal_days=days,
        decision_due=decision_due,
        decision_period=period,
        external_review_deadline=external_due,
        external_review_from=final if not grandfathered else None,
        grandfathered=grandfathered,
        as_of=today,
        notes=tuple(notes),
        _rows=tuple(rows),
    )

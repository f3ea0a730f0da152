"""What an evidence pack covers: its plan, the benefits' plan year and the claims' period.

:class:`DataCoverage` is computed once by :func:`paritykit.build_evidence_pack` (from the
benefits, the plan facts and the plan's claim lines) and handed to every writer, which states it
on every sheet and on the report's first page. It holds counts only: the number of claim lines
and of distinct members, never a member identifier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from paritykit import columns as C
from paritykit.privacy import SMALL_CELL_THRESHOLD

__all__ = ["DataCoverage", "claims_coverage"]


def _long_date(value: dt.date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


@dataclass(frozen=True)
class DataCoverage:
    """The plan, period and data an evidence pack covers.

    Attributes
    ----------
    plan_id : str or None
        The plan of the plan facts (None: the pack covers every plan in the data).
    plan_year : int
        The plan year of the benefits (plan facts).
    first_service_date, last_service_date : datetime.date or None
        The first and last service date of the plan's claim lines analysed (None without
        claims).
    claim_lines : int or None
        The plan's claim lines that passed validation (None without claims).
    members : int or None
        Distinct members among those lines (a count; None when the claims carry no member id).
    other_plans : int
        How many other plans the claims file holds (their lines are not part of the pack).
    other_plan_lines : int
        Their claim lines.
    suppressed : bool
        Whether small counts are suppressed (a member count from 1 to 10 reads "fewer than 11").

    Examples
    --------
    >>> import datetime as dt
    >>> c = DataCoverage("SAMPLE-B", 2026, dt.date(2024, 1, 3), dt.date(2024, 12, 30), 1200, 85)
    >>> c.mismatch[:60]
    'The claims are from 2024; the benefits describe plan year 20'
    >>> DataCoverage("P", 2024, dt.date(2024, 1, 3), dt.date(2024, 12, 30), 1200, 5).members_text
    'fewer than 11 members'
    """

    plan_id: str | None
    plan_year: int
    first_service_date: dt.date | None = None
    last_service_date: dt.date | None = None
    claim_lines: int | None = None
    members: int | None = None
    other_plans: int = 0
    other_plan_lines: int = 0
    suppressed: bool = True

    @property
    def has_claims(self) -> bool:
        """Whether claims were analysed."""
        return self.claim_lines is not None

    @property
    def claim_years(self) -> tuple[int, ...]:
        """The calendar years the claims' service dates span (empty without dates)."""
        if self.first_service_date is None or self.last_service_date is None:
            return ()
        return tuple(range(self.first_service_date.year, self.last_service_date.year + 1))

    @property
    def years_text(self) -> str:
        """ "2024" or "2023 to 2024"."""
        years = self.claim_years
        if not years:
            return ""
        return str(years[0]) if len(years) == 1 else f"{years[0]} to {years[-1]}"

    @property
    def mismatch(self) -> str:
        """A plain sentence when the claims' years do not include the benefits' plan year."""
        years = self.claim_years
        if not years or self.plan_year in years:
            return ""
        return (
            f"The claims are from {self.years_text}; the benefits describe plan year "
            f"{self.plan_year}. The claims show how the plan operated in {self.years_text}, "
            f"under that year's benefits, which may differ from the plan year {self.plan_year} "
            "design tested here; ask the plan for the benefit documents of the claims' period, "
            "or for claims of the same plan year."
        )

    @property
    def members_text(self) -> str:
        """The member count as the pack states it (small counts suppressed)."""
        if self.members is None:
            return "members not identified in the claims"
        if self.suppressed and 1 <= self.members < SMALL_CELL_THRESHOLD:
            return f"fewer than {SMALL_CELL_THRESHOLD} members"
        return f"{self.members:,} member{'' if self.members == 1 else 's'}"

    @property
    def period_text(self) -> str:
        """ "service dates January 2, 2024 to December 30, 2024" (empty without dates)."""
        if self.first_service_date is None or self.last_service_date is None:
            return ""
        return (
            f"service dates {_long_date(self.first_service_date)} to "
            f"{_long_date(self.last_service_date)}"
        )

    @property
    def claims_text(self) -> str:
        """The claims covered in one phrase (empty without claims)."""
        if self.claim_lines is None:
            return ""
        text = f"{self.claim_lines:,} claim lines of {self.members_text}"
        if self.period_text:
            text += f", {self.period_text}"
        return text

    def banner(self) -> str:
        """The context line every sheet and the report's first page carry."""
        plan = f"Plan {self.plan_id}" if self.plan_id else "All plans in the data"
        parts = [plan, f"benefits: plan year {self.plan_year}"]
        parts.append(f"claims: {self.claims_text}" if self.has_claims else "no claims data")
        text = "; ".join(parts) + "."
        return f"{text} {self.mismatch}" if self.mismatch else text

    def summary_lines(self) -> tuple[str, ...]:
        """The coverage for a terminal: the plan and benefits, the claims, and a mismatch."""
        plan = f"Plan {self.plan_id}" if self.plan_id else "All plans in the data"
        lines = [f"{plan}; benefits: plan year {self.plan_year}"]
        lines.append(f"Claims: {self.claims_text}" if self.has_claims else "No claims data")
        if self.mismatch:
            lines.append(self.mismatch.split(". ")[0] + ".")
        return tuple(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return the coverage as ``item``/``value`` rows (counts only)."""
        rows: list[tuple[str, Any]] = [
            ("plan", self.plan_id or "all plans in the data"),
            ("benefits plan year", self.plan_year),
            ("first service date", self.first_service_date),
            ("last service date", self.last_service_date),
            ("claim lines", self.claim_lines),
            ("members", self.members_text if self.has_claims else None),
            ("period note", self.mismatch or None),
        ]
        return pd.DataFrame(rows, columns=["item", "value"])


def claims_coverage(table: Any) -> dict[str, Any]:
    """First and last service date, claim lines and distinct members of an ibis claims table.

    Member identifiers are counted inside the engine; only the count comes back.
    """
    service = table[C.SERVICE_DATE]
    measures = {"first": service.min(), "last": service.max(), "lines": table.count()}
    if C.MEMBER_ID in table.columns:
        measures["members"] = table[C.MEMBER_ID].nunique()
    row = table.aggregate(**measures).to_pandas().iloc[0]

    def day(value: Any) -> dt.date | None:
        return None if value is None or pd.isna(value) else pd.Timestamp(value).date()

    members = row.get("members")
    return {
        "first_service_date": day(row["first"]),
        "last_service_date": day(row["last"]),
        "claim_lines": int(row["lines"]),
        "members": None if members is None or pd.isna(members) else int(members),
    }

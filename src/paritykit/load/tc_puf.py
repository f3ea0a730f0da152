"""Read a CMS Transparency in Coverage public use file (TC-PUF) into tidy issuer and plan frames.

CMS publishes, each year, the claims received, denied and appealed by every HealthCare.gov
issuer and plan. The workbook has one sheet per market (individual QHP, individual stand-alone
dental, SHOP), a title and a legend above the header row, and several traps that this reader
handles on purpose:

* **Grain.** Every ``Issuer_*`` column repeats on each plan row of that issuer (and is blank on
  rows of plans new to the Exchange). Issuer figures are taken once per (state, issuer), never
  summed over plans, and an issuer found on several sheets is one row.
* **Markers.** ``*`` (not available), ``**`` (suppressed small cell), ``***`` (not required for
  this plan type) and ``N/A`` (issuer or plan new to the Exchange) are not numbers. They become
  missing values with a companion ``<column>_marker`` column saying which marker stood there
  (``"blank"`` for an empty cell, ``"not_in_release"`` for a figure the release does not have).
  A marker never becomes zero.
* **Headers.** Columns are found by their header text, not their position. CMS's quirks (the
  stray double quote in ``Issuer_Claims_Denied_Out_of_Network"``, ``Enrolle``, ``Proceduce``)
  are mapped to clean snake_case names.

Release layouts (see :data:`LAYOUTS`):

``py2024``
    Plan year 2024 release (calendar-year 2022 claims). Verified on the real file.
``py2022_2023``
    Plan years 2022-2023: claims received and denied without the in-/out-of-network split
    (``Issuer_Claims_Received``, ``Issuer_Claims_Denials``, ``Plan_Number_Claims_Received``,
    ``Plan_Number_Claims_Denied``). Header names from CMS data dictionaries and secondary
    sources; no real PY2022 or PY2023 file has been found to check them against.
``py2025_2026``
    Plan years 2025-2026: the PY2024 split, enrollment columns renamed (``Average Monthly
    Enrollment``, ``Average Monthly Disenrollment``), the added plan-level reason
    ``Plan_Number_Claims_Denied_Due_To_Out_Of_Network``, no ``New_or_Returning_Plan`` and no
    stray quote in ``Issuer_Claims_Denied_Out_of_Network``. Verified on the real PY2026 file;
    no real PY2025 file has been found.

A workbook whose headers match none of these raises :class:`~paritykit.InputFileError` listing,
for each known layout, the headers it expected and did not find (spelled as that release
writes them), and the headers found.
"""

from __future__ import annotations

import html
import math
import os
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from paritykit import columns as C
from paritykit.errors import DataValidationError, InputFileError, ParityKitWarning

__all__ = [
    "BLANK",
    "ISSUER_COUNT_COLUMNS",
    "LAYOUTS",
    "MARKERS",
    "NOT_IN_RELEASE",
    "PLAN_COUNT_COLUMNS",
    "TcPuf",
    "TcPufLayout",
    "read_tc_puf",
]

#: Markers CMS writes instead of a number, and what each means. None of them means zero.
MARKERS: Final[dict[str, str]] = {
    "*": "data not available for this issuer or plan",
    "**": "suppressed because of a small cell size",
    "***": "not required for this plan type",
    "N/A": "issuer or plan new to the Exchange",
}
#: Marker recorded for an empty cell.
BLANK: Final = "blank"
#: Marker recorded for a figure the file's release year does not report at all.
NOT_IN_RELEASE: Final = "not_in_release"

_YES_NO: Final[dict[str, bool]] = {"yes": True, "y": True, "no": False, "n": False}
_HEADER_KEYS: Final[tuple[str, ...]] = ("state", "issuer_id", "plan_id")
_HEADER_SEARCH_ROWS: Final = 10
#: Largest plausible count in a TC-PUF cell (claims or enrollment of one issuer or plan in
#: one year): 1,000,000,000,000, far above all US claims in a year. A larger number (an
#: overflowed or mistyped cell) would swamp every total and rate it enters, so it is a problem.
MAX_TC_PUF_COUNT: Final = 1_000_000_000_000


def _norm(header: object) -> str:
    """Normalize a header: case, spaces, punctuation and stray quotes do not matter."""
    text = str(header).strip().strip("\"'").lower()
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


# --- layouts ---------------------------------------------------------------------------------
# Field -> accepted header spellings, as CMS writes them. Text fields first.
_TEXT_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    C.STATE: ("State",),
    C.ISSUER_NAME: ("Issuer_Name",),
    C.ISSUER_ID: ("Issuer_ID",),
    C.ISSUER_NEW_TO_EXCHANGE: ("Is_Issuer_New_to_Exchange?(Yes_or_No)",),
    C.DENTAL_ONLY: ("SADP_Only", "SADP_Only?"),
    C.PLAN_ID: ("Plan_ID",),
    C.PLAN_TYPE: ("Plan_Type",),
    C.PRODUCT_TYPE: ("QHP or SADP?", "QHP/SADP"),
    C.METAL_LEVEL: ("Metal_Level",),
}
_OPTIONAL_TEXT_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    C.MARKET: ("Individual/SHOP",),
    C.EXCHANGE_TYPE: ("Exchange_Type",),
    C.PLAN_NEW_OR_RETURNING: ("New_or_Returning_Plan",),
    C.CLAIMS_PAYMENT_POLICIES_URL: ("URL_Claims_Payment_Policies",),
}
_APPEALS: Final[dict[str, tuple[str, ...]]] = {
    C.INTERNAL_APPEALS_FILED: ("Issuer_Internal_Appeals_Filed",),
    C.INTERNAL_APPEALS_OVERTURNED: ("Issuer_Number_Internal_Appeals_Overturned",),
    C.EXTERNAL_APPEALS_FILED: ("Issuer_External_Appeals_Filed",),
    C.EXTERNAL_APPEALS_OVERTURNED: ("Issuer_Number_External_Appeals_Overturned",),
}
_APPEALS_OPTIONAL: Final[dict[str, tuple[str, ...]]] = {
    C.INTERNAL_APPEALS_OVERTURNED_PERCENT: ("Issuer_Percent_Internal_Appeals_Overturned",),
    C.EXTERNAL_APPEALS_OVERTURNED_PERCENT: ("Issuer_Percent_External_Appeals_Overturned",),
}
_REASONS: Final[dict[str, tuple[str, ...]]] = {
    C.DENIED_REFERRAL_REQUIRED: ("Plan_Number_Claims_Denied_Referral_Required",),
    C.DENIED_SERVICES_EXCLUDED: ("Plan_Number_Claims_Denied_Services_Excluded",),
    C.DENIED_NOT_MEDICALLY_NECESSARY_EXCLUDING_BH: (
        "Plan_Number_Claims_Denied_Not_Medically_Necessary_Excluding_Behavioral_Health",
        "Plan_Number_Claims_Denied_Not_Medically_Necessary_Excl_Behavioral_Health",
    ),
    C.DENIED_NOT_MEDICALLY_NECESSARY_BH_ONLY: (
        "Plan_Number_Claims_Denied_Not_Medically_Necessary_Behavioral_Health_Only",
    ),
    C.DENIED_BENEFIT_LIMIT_REACHED: (
        "Plan_Number_Claims_Denied_Due_To_Enrolle_Benefit_Limit_Reached",
        "Plan_Number_Claims_Denied_Due_To_Enrollee_Benefit_Limit_Reached",
    ),
    C.DENIED_MEMBER_NOT_COVERED: ("Plan_Number_Claims_Denied_Due_To_Member_Not_Covered",),
    C.DENIED_INVESTIGATIONAL_EXPERIMENTAL_COSMETIC: (
        "Plan_Number_Claims_Denied_Due_To_Investigational_Experimental_Cosmetic_Proceduce",
        "Plan_Number_Claims_Denied_Due_To_Investigational_Experimental_Cosmetic_Procedure",
    ),
    C.DENIED_ADMINISTRATIVE_REASON: ("Plan_Number_Claims_Denied_Due_To_Administrative_Reason",),
    C.DENIED_OTHER: ("Plan_Number_Claims_Denied_Other",),
}
_DENIED_OON: Final[dict[str, tuple[str, ...]]] = {
    C.DENIED_OUT_OF_NETWORK: ("Plan_Number_Claims_Denied_Due_To_Out_Of_Network",),
}
_ISSUER_SPLIT: Final[dict[str, tuple[str, ...]]] = {
    C.CLAIMS_RECEIVED_IN_NETWORK: ("Issuer_Claims_Received_In_Network",),
    C.CLAIMS_RECEIVED_OUT_OF_NETWORK: ("Issuer_Claims_Received_Out_of_Network",),
    C.CLAIMS_DENIED_IN_NETWORK: ("Issuer_Claims_Denied_In_Network",),
    C.CLAIMS_DENIED_OUT_OF_NETWORK: (
        'Issuer_Claims_Denied_Out_of_Network"',
        "Issuer_Claims_Denied_Out_of_Network",
    ),
}
_ISSUER_SPLIT_OPTIONAL: Final[dict[str, tuple[str, ...]]] = {
    C.CLAIMS_RESUBMITTED_IN_NETWORK: ("Issuer_Claims_Resubmitted_In_Network",),
    C.CLAIMS_RESUBMITTED_OUT_OF_NETWORK: ("Issuer_Claims_Resubmitted_Out_of_Network",),
}
_PLAN_SPLIT: Final[dict[str, tuple[str, ...]]] = {
    C.CLAIMS_RECEIVED_IN_NETWORK: ("Plan_Number_Claims_Received_In_Network",),
    C.CLAIMS_RECEIVED_OUT_OF_NETWORK: ("Plan_Number_Claims_Received_Out_of_Network",),
    C.CLAIMS_DENIED_IN_NETWORK: ("Plan_Number_Claims_Denied_In_Network",),
    C.CLAIMS_DENIED_OUT_OF_NETWORK: ("Plan_Number_Claims_Denied_Out_of_Network",),
}
_PLAN_SPLIT_OPTIONAL: Final[dict[str, tuple[str, ...]]] = {
    C.CLAIMS_RESUBMITTED_IN_NETWORK: ("Plan_Number_Claims_Resubmitted_In_Network",),
    C.CLAIMS_RESUBMITTED_OUT_OF_NETWORK: ("Plan_Number_Claims_Resubmitted_Out_of_Network",),
}
_ISSUER_TOTAL: Final[dict[str, tuple[str, ...]]] = {
    C.CLAIMS_RECEIVED_TOTAL: ("Issuer_Claims_Received",),
    C.CLAIMS_DENIED_TOTAL: ("Issuer_Claims_Denials", "Issuer_Claims_Denied"),
}
_ISSUER_TOTAL_OPTIONAL: Final[dict[str, tuple[str, ...]]] = {
    C.CLAIMS_RESUBMITTED_TOTAL: ("Issuer_Claims_Resubmitted",),
}
_PLAN_TOTAL: Final[dict[str, tuple[str, ...]]] = {
    C.CLAIMS_RECEIVED_TOTAL: ("Plan_Number_Claims_Received",),
    C.CLAIMS_DENIED_TOTAL: ("Plan_Number_Claims_Denied",),
}
_PLAN_TOTAL_OPTIONAL: Final[dict[str, tuple[str, ...]]] = {
    C.CLAIMS_RESUBMITTED_TOTAL: ("Plan_Number_Claims_Resubmitted",),
}
_ENROLLMENT_OLD: Final[dict[str, tuple[str, ...]]] = {C.ENROLLMENT: ("Enrollment_Data",)}
_DISENROLLMENT_OLD: Final[dict[str, tuple[str, ...]]] = {C.DISENROLLMENT: ("Disenrollment_Data",)}
_ENROLLMENT_NEW: Final[dict[str, tuple[str, ...]]] = {C.ENROLLMENT: ("Average Monthly Enrollment",)}
_DISENROLLMENT_NEW: Final[dict[str, tuple[str, ...]]] = {
    C.DISENROLLMENT: ("Average Monthly Disenrollment",)
}

#: Issuer-level counts in the issuers frame (each with a ``_marker`` companion column).
ISSUER_COUNT_COLUMNS: Final[tuple[str, ...]] = (
    C.CLAIMS_RECEIVED_IN_NETWORK,
    C.CLAIMS_RECEIVED_OUT_OF_NETWORK,
    C.CLAIMS_DENIED_IN_NETWORK,
    C.CLAIMS_DENIED_OUT_OF_NETWORK,
    C.CLAIMS_RESUBMITTED_IN_NETWORK,
    C.CLAIMS_RESUBMITTED_OUT_OF_NETWORK,
    C.CLAIMS_RECEIVED_TOTAL,
    C.CLAIMS_DENIED_TOTAL,
    C.CLAIMS_RESUBMITTED_TOTAL,
    C.INTERNAL_APPEALS_FILED,
    C.INTERNAL_APPEALS_OVERTURNED,
    C.INTERNAL_APPEALS_OVERTURNED_PERCENT,
    C.EXTERNAL_APPEALS_FILED,
    C.EXTERNAL_APPEALS_OVERTURNED,
    C.EXTERNAL_APPEALS_OVERTURNED_PERCENT,
)
#: Plan-level counts in the plans frame (each with a ``_marker`` companion column).
PLAN_COUNT_COLUMNS: Final[tuple[str, ...]] = (
    C.CLAIMS_RECEIVED_IN_NETWORK,
    C.CLAIMS_RECEIVED_OUT_OF_NETWORK,
    C.CLAIMS_DENIED_IN_NETWORK,
    C.CLAIMS_DENIED_OUT_OF_NETWORK,
    C.CLAIMS_RESUBMITTED_IN_NETWORK,
    C.CLAIMS_RESUBMITTED_OUT_OF_NETWORK,
    C.CLAIMS_RECEIVED_TOTAL,
    C.CLAIMS_DENIED_TOTAL,
    C.CLAIMS_RESUBMITTED_TOTAL,
    C.DENIED_REFERRAL_REQUIRED,
    C.DENIED_OUT_OF_NETWORK,
    C.DENIED_SERVICES_EXCLUDED,
    C.DENIED_NOT_MEDICALLY_NECESSARY_EXCLUDING_BH,
    C.DENIED_NOT_MEDICALLY_NECESSARY_BH_ONLY,
    C.DENIED_BENEFIT_LIMIT_REACHED,
    C.DENIED_MEMBER_NOT_COVERED,
    C.DENIED_INVESTIGATIONAL_EXPERIMENTAL_COSMETIC,
    C.DENIED_ADMINISTRATIVE_REASON,
    C.DENIED_OTHER,
    C.ENROLLMENT,
    C.DISENROLLMENT,
)


@dataclass(frozen=True)
class TcPufLayout:
    """The headers of one TC-PUF release layout.

    Attributes
    ----------
    name : str
        Layout name (``"py2024"``, ...).
    plan_years : tuple of int
        Release (plan) years known to use it. Claims experience is two years earlier.
    issuer_fields, plan_fields : mapping
        Field name -> accepted header spellings, for issuer-level and plan-level figures.
    required : tuple of str
        Headers (as CMS writes them) that must all be present for the layout to match.
    verified : bool
        Whether the layout was checked against a real file.
    """

    name: str
    plan_years: tuple[int, ...]
    issuer_fields: Mapping[str, tuple[str, ...]]
    plan_fields: Mapping[str, tuple[str, ...]]
    text_fields: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    verified: bool


def _layout(
    name: str,
    plan_years: tuple[int, ...],
    *,
    issuer_req: dict[str, tuple[str, ...]],
    issuer_opt: dict[str, tuple[str, ...]],
    plan_req: dict[str, tuple[str, ...]],
    plan_opt: dict[str, tuple[str, ...]],
    verified: bool,
    spelled: tuple[str, ...] = (),
) -> TcPufLayout:
    """Build a layout; ``spelled`` gives headers as this release writes them (shown first)."""
    text_req, text_opt, issuer_req, issuer_opt, plan_req, plan_opt = (
        _prefer(group, spelled)
        for group in (_TEXT_FIELDS, _OPTIONAL_TEXT_FIELDS, issuer_req, issuer_opt, plan_req,
                      plan_opt)
    )  # fmt: skip
    required_groups = [text_req, issuer_req, plan_req]
    required = tuple(spellings[0] for group in required_groups for spellings in group.values())
    return TcPufLayout(
        name=name,
        plan_years=plan_years,
        issuer_fields={**issuer_req, **issuer_opt},
        plan_fields={**plan_req, **plan_opt},
        text_fields={**text_req, **text_opt},
        required=required,
        verified=verified,
    )


def _prefer(
    fields: dict[str, tuple[str, ...]], spelled: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    """Put the spelling a release uses first, so messages quote that release's headers."""
    by_norm = {_norm(h): h for h in spelled}
    out = {}
    for name, spellings in fields.items():
        own = next((by_norm[_norm(x)] for x in spellings if _norm(x) in by_norm), None)
        out[name] = (
            spellings if own is None else (own, *(x for x in spellings if _norm(x) != _norm(own)))
        )
    return out


#: Known release layouts, most specific first (the first whose required headers all match wins).
LAYOUTS: Final[tuple[TcPufLayout, ...]] = (
    _layout(
        "py2025_2026",
        (2025, 2026),
        issuer_req={**_ISSUER_SPLIT, **_APPEALS},
        issuer_opt={**_ISSUER_SPLIT_OPTIONAL, **_APPEALS_OPTIONAL},
        plan_req={**_PLAN_SPLIT, **_REASONS, **_DENIED_OON, **_ENROLLMENT_NEW},
        plan_opt={**_PLAN_SPLIT_OPTIONAL, **_DISENROLLMENT_NEW},
        verified=True,  # the real PY2026 file
        spelled=("Issuer_Claims_Denied_Out_of_Network",),  # no stray quote after PY2024
    ),
    _layout(
        "py2024",
        (2024,),
        issuer_req={**_ISSUER_SPLIT, **_APPEALS},
        issuer_opt={**_ISSUER_SPLIT_OPTIONAL, **_APPEALS_OPTIONAL},
        plan_req={**_PLAN_SPLIT, **_REASONS, **_ENROLLMENT_OLD},
        plan_opt={**_PLAN_SPLIT_OPTIONAL, **_DENIED_OON, **_DISENROLLMENT_OLD},
        verified=True,
    ),
    _layout(
        "py2022_2023",
        (2022, 2023),
        issuer_req={**_ISSUER_TOTAL, **_APPEALS},
        issuer_opt={**_ISSUER_TOTAL_OPTIONAL, **_APPEALS_OPTIONAL},
        plan_req={**_PLAN_TOTAL, **_REASONS, **_ENROLLMENT_OLD},
        plan_opt={**_PLAN_TOTAL_OPTIONAL, **_DENIED_OON, **_DISENROLLMENT_OLD},
        verified=False,
        # Secondary sources report ``SADP_Only?``, ``QHP/SADP`` and ``..._Excl_Behavioral_Health``
        # for these releases (accepted above); with no real file seen, headers are quoted in
        # the PY2024 spelling.
    ),
)


# --- result ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TcPuf:
    """A TC-PUF workbook read into tidy frames.

    Attributes
    ----------
    issuers : pandas.DataFrame
        One row per (``state``, ``issuer_id``), from all sheets: issuer name, ``dental_only``
        (CMS's ``SADP_Only`` flag), ``has_medical_plans`` (any QHP plan row),
        ``has_individual_medical_plans`` (a QHP plan on an individual-market sheet), the sheets
        and markets it appears on, its number of plans, each issuer-level count of
        :data:`ISSUER_COUNT_COLUMNS` taken **once** (never summed over plan rows) with its
        ``_marker`` column, and enrollment. The file reports average monthly enrollment per
        plan only; over an issuer's medical plans (all plans of a dental-only issuer),
        ``enrollment_plans`` counts them, ``enrollment_plans_reported`` those with a number and
        ``enrollment_plans_missing`` the others, ``enrollment_reported`` sums the numbers, and
        ``enrollment`` is that sum only when every plan reports one (missing otherwise: a
        masked plan is unknown, not zero), with ``enrollment_marker``.
    plans : pandas.DataFrame
        One row per (``sheet``, ``plan_id``): plan identity, the plan-level counts of
        :data:`PLAN_COUNT_COLUMNS` (with ``_marker`` columns), ``source_row`` (the spreadsheet
        row) and ``rows_collapsed`` (how many identical source rows the plan row stands for).
    layout : str
        The release layout recognized (see :data:`LAYOUTS`).
    plan_year : int or None
        The release (plan) year read from the sheet titles; claims are from two years earlier.
    source : str
        File name read.
    notes : pandas.DataFrame
        What the reader did that a reviewer should know (``sheet``, ``source_row``, ``kind``,
        ``detail``): sheets skipped, duplicate plan rows collapsed, conflicting figures.
    """

    issuers: pd.DataFrame
    plans: pd.DataFrame
    layout: str
    plan_year: int | None
    source: str
    notes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=[C.TC_SHEET, C.SOURCE_ROW, C.KIND, C.DETAIL])
    )

    @property
    def experience_year(self) -> int | None:
        """Calendar year of the claims (two years before the plan year)."""
        return None if self.plan_year is None else self.plan_year - 2

    def to_frame(self) -> pd.DataFrame:
        """Return the issuers frame (a copy)."""
        return self.issuers.copy()

    def summary(self) -> str:
        """Return a short plain-text description."""
        n_dental = int(self.issuers[C.DENTAL_ONLY].sum())
        year = f"plan year {self.plan_year}" if self.plan_year else "unknown plan year"
        exp = f", claims of {self.experience_year}" if self.experience_year else ""
        return (
            f"TC-PUF {self.source} ({year}{exp}; layout {self.layout}): "
            f"{len(self.issuers)} issuers ({n_dental} dental-only), {len(self.plans)} plans, "
            f"{len(self.notes)} reader notes."
        )

    def __repr__(self) -> str:
        return f"<TcPuf {self.summary()}>"

    def _repr_html_(self) -> str:
        head = self.issuers.head(10).to_html(index=False)
        return f"<p>{html.escape(self.summary())}</p>{head}"


# --- reading ---------------------------------------------------------------------------------
class _Problems:
    """Bad cells found while reading, each with its file, sheet, row, column and value."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.sheet: str | None = None  # the worksheet being read
        self.rows: list[dict[str, Any]] = []

    def add(self, row: int, column: str, value: object, problem: str, expected: str) -> None:
        self.rows.append(
            {
                "file": self.file,
                C.TC_SHEET: self.sheet,
                "row": row,
                "column": column,
                "value": value,
                "problem": problem,
                "expected": expected,
            }
        )


def _number(value: object, problems: _Problems, row: int, header: str) -> tuple[float, str | None]:
    """Return (number, marker) for one cell."""
    if value is None:
        return math.nan, BLANK
    if isinstance(value, bool):
        problems.add(row, header, value, "a true/false value", "a count or a marker")
        return math.nan, None
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return math.nan, BLANK
        return _plausible(float(value), value, problems, row, header)
    text = str(value).strip()
    if text == "":
        return math.nan, BLANK
    if text in MARKERS:
        return math.nan, text
    if text.upper() == "N/A":
        return math.nan, "N/A"
    if "," in text and not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", text):
        problems.add(
            row, header, value, "written with a decimal comma or misplaced thousands separators",
            "a count such as 1234 or 1,234",
        )  # fmt: skip
        return math.nan, None
    try:
        return _plausible(float(text.replace(",", "")), value, problems, row, header)
    except ValueError:
        problems.add(
            row, header, value, "not a number or a known marker",
            "a count, or one of " + ", ".join(MARKERS),
        )  # fmt: skip
        return math.nan, None


def _plausible(
    number: float, value: object, problems: _Problems, row: int, header: str
) -> tuple[float, str | None]:
    """Return (number, None), or report a count that cannot be right."""
    if not math.isfinite(number) or abs(number) > MAX_TC_PUF_COUNT:
        problems.add(
            row, header, value, f"implausibly large count (more than {MAX_TC_PUF_COUNT:,})",
            f"a count up to {MAX_TC_PUF_COUNT:,}, or one of " + ", ".join(MARKERS),
        )  # fmt: skip
        return math.nan, None
    return number, None


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff]")


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _CONTROL.sub("", str(value)).strip()  # invisible characters never part of an id
    return text or None


def _yes_no(value: object, problems: _Problems, row: int, header: str) -> bool | None:
    text = _text(value)
    if text is None:
        return None
    flag = _YES_NO.get(text.lower())
    if flag is None:
        problems.add(row, header, value, "not Yes or No", "Yes or No")
    return flag


def _find_header(rows: list[tuple[Any, ...]]) -> int | None:
    for i, row in enumerate(rows):
        keys = {_norm(v) for v in row if v is not None}
        if all(k in keys for k in _HEADER_KEYS):
            return i
    return None


def _all_spellings(layout: TcPufLayout) -> list[tuple[str, ...]]:
    """Accepted spellings of every field of a layout (issuer and plan fields share names)."""
    groups = (layout.text_fields, layout.issuer_fields, layout.plan_fields)
    return [spellings for group in groups for spellings in group.values()]


def _match_layout(headers: list[str]) -> TcPufLayout | None:
    found = {_norm(h) for h in headers}
    for layout in LAYOUTS:
        required_norm = {_norm(h) for h in layout.required}
        ok = True
        for spellings in _all_spellings(layout):
            norm = {_norm(s) for s in spellings}
            if norm & required_norm and not norm & found:
                ok = False
                break
        if ok:
            return layout
    return None


def _layout_error(file: str, sheet: str, headers: list[str]) -> InputFileError:
    found = {_norm(h) for h in headers}
    lines = [
        f"{file}, sheet {sheet!r}: the headers match no known TC-PUF release layout.",
    ]
    for layout in LAYOUTS:
        required_norm = {_norm(h) for h in layout.required}
        missing = [
            spellings[0]
            for spellings in _all_spellings(layout)
            if {_norm(s) for s in spellings} & required_norm
            and not {_norm(s) for s in spellings} & found
        ]
        lines.append(
            f"Layout {layout.name} (plan years {', '.join(map(str, layout.plan_years))}) "
            f"expected these headers, not found: {', '.join(missing)}."
        )
    lines.append("Headers found: " + ", ".join(str(h) for h in headers if h is not None) + ".")
    lines.append(
        "If this is a TC-PUF release of another year, add its layout to "
        "paritykit.load.tc_puf.LAYOUTS, or rename the headers to one of the layouts above."
    )
    return InputFileError(" ".join(lines))


def _columns_for(layout: TcPufLayout, headers: list[Any]) -> dict[str, dict[str, int]]:
    """Map fields to column positions, per group (text, issuer, plan)."""
    position = {}
    for i, h in enumerate(headers):
        if h is not None:
            position.setdefault(_norm(h), i)
    out: dict[str, dict[str, int]] = {}
    for group, fields in (
        ("text", layout.text_fields),
        ("issuer", layout.issuer_fields),
        ("plan", layout.plan_fields),
    ):
        out[group] = {}
        for name, spellings in fields.items():
            for s in spellings:
                if _norm(s) in position:
                    out[group][name] = position[_norm(s)]
                    break
    return out


def _market_from_sheet(sheet: str) -> str:
    low = sheet.lower()
    return "shop" if "shop" in low else "individual"


def read_tc_puf(path: str | os.PathLike[str]) -> TcPuf:
    """Read a CMS Transparency in Coverage public use file (TC-PUF) workbook.

    Parameters
    ----------
    path : path-like
        The ``.xlsx`` workbook as CMS publishes it. Sheets without a TC-PUF header row (the
        disclaimer) are skipped and listed in ``notes``.

    Returns
    -------
    TcPuf
        Frozen result with ``issuers`` (one row per state x issuer) and ``plans`` (one row per
        plan) frames; see :class:`TcPuf`.

    Raises
    ------
    InputFileError
        The file is missing or not a workbook, has no TC-PUF data sheet, or its headers match
        no known release layout (the message lists expected and found headers).
    DataValidationError
        Cells that are neither numbers nor known markers, or Yes/No flags with other values;
        ``problems`` lists every one with its sheet row.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> from paritykit.load.tc_puf import LAYOUTS
    >>> headers = list(LAYOUTS[1].required)
    >>> wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Transparency 2024 - Ind QHP"
    >>> ws.append(["title"]); ws.append(["legend"]); ws.append(headers)
    >>> row = {"State": "OH", "Issuer_ID": 11111, "Issuer_Name": "A", "SADP_Only": "No",
    ...        "Is_Issuer_New_to_Exchange?(Yes_or_No)": "No", "QHP or SADP?": "QHP"}
    >>> for plan in ("11111OH0010001", "11111OH0010002"):
    ...     ws.append([row.get(h, plan if h == "Plan_ID" else "**") for h in headers])
    >>> path = tempfile.mkstemp(suffix=".xlsx")[1]; wb.save(path)
    >>> puf = read_tc_puf(path)
    >>> len(puf.issuers), len(puf.plans), puf.plan_year
    (1, 2, 2024)
    >>> puf.issuers.loc[0, ["claims_received_in_network", "claims_received_in_network_marker"]]
    ... # doctest: +NORMALIZE_WHITESPACE
    claims_received_in_network           NaN
    claims_received_in_network_marker     **
    Name: 0, dtype: object
    """
    import openpyxl  # reading only; computation modules never import it

    file_path = Path(path)
    file = file_path.name
    if not file_path.exists():
        raise InputFileError(
            f"TC-PUF file not found: {file_path}. Expected the .xlsx workbook CMS publishes."
        )
    try:
        workbook = openpyxl.load_workbook(file_path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types
        hint = ""
        if "zip" in str(exc).lower():
            hint = " The file is not a complete .xlsx: it may be cut short (download it again)."
        raise InputFileError(
            f"{file}: could not be opened as an Excel workbook ({exc}). Expected the TC-PUF "
            f".xlsx file as published by CMS.{hint}"
        ) from exc

    problems = _Problems(file)
    notes: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    layout: TcPufLayout | None = None
    plan_year: int | None = None
    try:
        for ws in workbook.worksheets:
            rows_iter = ws.iter_rows(values_only=True)
            head_rows = []
            for _ in range(_HEADER_SEARCH_ROWS):
                try:
                    head_rows.append(next(rows_iter))
                except StopIteration:
                    break
            h = _find_header(head_rows)
            if h is None:
                notes.append(_note(ws.title, None, "sheet skipped", "no TC-PUF header row"))
                continue
            headers = list(head_rows[h])
            sheet_layout = _match_layout([x for x in headers if x is not None])
            if sheet_layout is None:
                raise _layout_error(file, ws.title, headers)
            if layout is not None and sheet_layout.name != layout.name:
                raise InputFileError(
                    f"{file}: sheet {ws.title!r} has layout {sheet_layout.name} but an earlier "
                    f"sheet has {layout.name}. Expected one release layout per workbook."
                )
            layout = sheet_layout
            problems.sheet = ws.title
            year = re.search(r"\b(20\d\d)\b", ws.title)
            if year and plan_year is None:
                plan_year = int(year.group(1))
            cols = _columns_for(layout, headers)
            unknown = [
                str(x)
                for i, x in enumerate(headers)
                if x is not None and i not in {p for g in cols.values() for p in g.values()}
            ]
            if unknown:
                notes.append(_note(ws.title, h + 1, "headers not read", "; ".join(unknown)))
            rows = [*head_rows[h + 1 :], *rows_iter]
            first_row = h + 2
            for offset, values in enumerate(rows):
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                records.append(
                    _record(values, cols, headers, ws.title, first_row + offset, problems)
                )
    finally:
        workbook.close()

    if layout is None:
        raise InputFileError(
            f"{file}: no sheet has a TC-PUF header row (a row with "
            f"{', '.join(s for s in ('State', 'Issuer_ID', 'Plan_ID'))} in the first "
            f"{_HEADER_SEARCH_ROWS} rows). Sheets found: {', '.join(workbook.sheetnames)}."
        )
    if problems.rows:
        raise _problems_error(file, problems.rows)
    raw = pd.DataFrame.from_records(records)
    if raw.empty:
        raise InputFileError(f"{file}: the TC-PUF sheets have a header row but no data rows.")
    plans = _plans(raw, notes)
    issuers = _issuers(raw, plans, notes)
    notes_frame = pd.DataFrame(notes, columns=[C.TC_SHEET, C.SOURCE_ROW, C.KIND, C.DETAIL])
    return TcPuf(
        issuers=issuers,
        plans=plans,
        layout=layout.name,
        plan_year=plan_year,
        source=file,
        notes=notes_frame,
    )


def _problems_error(file: str, rows: list[dict[str, Any]]) -> DataValidationError:
    """One error for all bad cells: the first named in full, every one in ``problems``."""
    first = rows[0]
    n = len(rows)
    cells = "1 cell is" if n == 1 else f"{n} cells are"
    verb = "is" if n == 2 else "are"
    more = "" if n == 1 else f" The other {n - 1} {verb} listed with sheet, row, column and value."
    return DataValidationError(
        f"{file}: {cells} neither a plausible number nor a known TC-PUF marker "
        f"({', '.join(MARKERS)}); first: sheet {first[C.TC_SHEET]!r}, row {first['row']}, "
        f"column {first['column']!r}, value {first['value']!r}: {first['problem']} "
        f"(expected {first['expected']}).{more} Use the file as CMS publishes it, or correct "
        "the cells named.",
        pd.DataFrame(rows, columns=["file", C.TC_SHEET, "row", "column", "value", "problem",
                                    "expected"]),
    )  # fmt: skip


def _note(sheet: str | None, row: int | None, kind: str, detail: str) -> dict[str, Any]:
    return {C.TC_SHEET: sheet, C.SOURCE_ROW: row, C.KIND: kind, C.DETAIL: detail}


def _record(
    values: tuple[Any, ...],
    cols: dict[str, dict[str, int]],
    headers: list[Any],
    sheet: str,
    row: int,
    problems: _Problems,
) -> dict[str, Any]:
    def cell(i: int) -> Any:
        return values[i] if i < len(values) else None

    rec: dict[str, Any] = {C.TC_SHEET: sheet, C.SOURCE_ROW: row}
    for name in (*_TEXT_FIELDS, *_OPTIONAL_TEXT_FIELDS):
        i = cols["text"].get(name)
        raw = None if i is None else cell(i)
        if name in (C.DENTAL_ONLY, C.ISSUER_NEW_TO_EXCHANGE):
            rec[name] = None if i is None else _yes_no(raw, problems, row, str(headers[i]))
        else:
            rec[name] = _text(raw)
    for group, prefix in (("issuer", "issuer:"), ("plan", "plan:")):
        names = ISSUER_COUNT_COLUMNS if group == "issuer" else PLAN_COUNT_COLUMNS
        for name in names:
            i = cols[group].get(name)
            if i is None:
                value, marker = math.nan, NOT_IN_RELEASE
            else:
                value, marker = _number(cell(i), problems, row, str(headers[i]))
            rec[prefix + name] = value
            rec[prefix + name + C.MARKER_SUFFIX] = marker
    if not rec[C.STATE] or not rec[C.ISSUER_ID] or not rec[C.PLAN_ID]:
        for name in (C.STATE, C.ISSUER_ID, C.PLAN_ID):
            if not rec[name]:
                problems.add(row, name, None, "empty identifier", "a value on every data row")
    if rec[C.STATE]:
        rec[C.STATE] = rec[C.STATE].upper()
    rec[C.MARKET] = (rec[C.MARKET] or _market_from_sheet(sheet)).lower()
    if rec[C.PRODUCT_TYPE]:
        rec[C.PRODUCT_TYPE] = rec[C.PRODUCT_TYPE].upper()
    return rec


def _plans(raw: pd.DataFrame, notes: list[dict[str, Any]]) -> pd.DataFrame:
    plan_cols = [f"plan:{n}" for n in PLAN_COUNT_COLUMNS]
    marker_cols = [c + C.MARKER_SUFFIX for c in plan_cols]
    key = [C.TC_SHEET, C.PLAN_ID]
    dup = raw.duplicated(key, keep=False)
    keep = ~raw.duplicated(key, keep="first")
    frame = raw.loc[keep].copy()
    frame[C.ROWS_COLLAPSED] = 1
    if dup.any():
        for (sheet, plan_id), group in raw.loc[dup].groupby(key, sort=False):
            figures = group[plan_cols + marker_cols].astype("string").fillna("")
            first = group.index[0]
            rows = ", ".join(str(r) for r in group[C.SOURCE_ROW])
            metals = "; ".join(dict.fromkeys(str(m) for m in group[C.METAL_LEVEL].dropna()))
            frame.loc[first, C.ROWS_COLLAPSED] = len(group)
            frame.loc[first, C.METAL_LEVEL] = metals or None
            if (figures.nunique() > 1).any():
                detail = (
                    f"plan {plan_id} appears on rows {rows} with different figures; the first "
                    "row's figures are kept"
                )
                notes.append(_note(sheet, int(group[C.SOURCE_ROW].iloc[0]), "conflict", detail))
                warnings.warn(f"TC-PUF: {detail} (sheet {sheet!r}).", ParityKitWarning,
                              stacklevel=3)  # fmt: skip
            else:
                notes.append(
                    _note(
                        sheet,
                        int(group[C.SOURCE_ROW].iloc[0]),
                        "duplicate plan rows collapsed",
                        f"plan {plan_id} on rows {rows} (metal levels: {metals}); figures "
                        "identical, counted once",
                    )
                )
    rename = {f"plan:{n}": n for n in PLAN_COUNT_COLUMNS}
    rename.update({f"plan:{n}{C.MARKER_SUFFIX}": n + C.MARKER_SUFFIX for n in PLAN_COUNT_COLUMNS})
    frame = frame.rename(columns=rename)
    ident = [
        C.TC_SHEET,
        C.MARKET,
        C.EXCHANGE_TYPE,
        C.STATE,
        C.ISSUER_ID,
        C.ISSUER_NAME,
        C.DENTAL_ONLY,
        C.PLAN_ID,
        C.PLAN_NEW_OR_RETURNING,
        C.PLAN_TYPE,
        C.PRODUCT_TYPE,
        C.METAL_LEVEL,
    ]
    counts = [c for n in PLAN_COUNT_COLUMNS for c in (n, n + C.MARKER_SUFFIX)]
    out = frame[[*ident, *counts, C.SOURCE_ROW, C.ROWS_COLLAPSED]].reset_index(drop=True)
    for n in PLAN_COUNT_COLUMNS:
        out[n] = out[n].astype("float64")
        out[n + C.MARKER_SUFFIX] = out[n + C.MARKER_SUFFIX].astype("string")
    out[C.DENTAL_ONLY] = out[C.DENTAL_ONLY].astype("boolean")
    return out


#: When an issuer figure has no number on any row, the marker reported is the most informative
#: one seen on its rows (rows of plans new to the Exchange carry ``N/A`` or nothing).
_MARKER_PRIORITY: Final[dict[str, int]] = {
    "**": 0, "*": 1, "***": 2, "N/A": 3, NOT_IN_RELEASE: 4, BLANK: 5,
}  # fmt: skip


def _best_marker(frame: pd.DataFrame, marker_col: str, key: list[str]) -> pd.Series:
    rank = frame[marker_col].map(_MARKER_PRIORITY)
    best = rank.groupby([frame[k] for k in key]).min()
    lookup = {v: k for k, v in _MARKER_PRIORITY.items()}
    return best.map(lookup)


def _issuers(raw: pd.DataFrame, plans: pd.DataFrame, notes: list[dict[str, Any]]) -> pd.DataFrame:
    key = [C.STATE, C.ISSUER_ID]
    grouped = raw.groupby(key, sort=True)
    out = grouped.agg(
        **{
            C.ISSUER_NAME: (C.ISSUER_NAME, "first"),
            C.ISSUER_NEW_TO_EXCHANGE: (C.ISSUER_NEW_TO_EXCHANGE, "first"),
            C.DENTAL_ONLY: (C.DENTAL_ONLY, lambda s: bool(s.fillna(False).astype(bool).any())),
            C.TC_SHEETS: (C.TC_SHEET, lambda s: "; ".join(dict.fromkeys(s))),
            C.MARKET: (C.MARKET, lambda s: "; ".join(dict.fromkeys(s))),
        }
    )
    out[C.HAS_MEDICAL_PLANS] = grouped[C.PRODUCT_TYPE].agg(lambda s: bool((s == "QHP").any()))
    individual_qhp = (raw[C.PRODUCT_TYPE] == "QHP") & (raw[C.MARKET] == "individual")
    out[C.HAS_INDIVIDUAL_MEDICAL_PLANS] = (
        individual_qhp.groupby([raw[k] for k in key]).any().reindex(out.index, fill_value=False)
    )
    out[C.PLAN_COUNT] = plans.groupby(key)[C.PLAN_ID].size().reindex(out.index).astype("int64")
    for name in ISSUER_COUNT_COLUMNS:
        col = f"issuer:{name}"
        mcol = col + C.MARKER_SUFFIX
        values = grouped[col].first()  # the number on any plan row (skips missing)
        distinct = grouped[col].nunique()
        markers = _best_marker(raw, mcol, key)
        conflict = distinct > 1
        for state, issuer in conflict[conflict].index:
            vals = raw.loc[(raw[C.STATE] == state) & (raw[C.ISSUER_ID] == issuer), col]
            seen = ", ".join(f"{v:g}" for v in sorted(set(vals.dropna())))
            detail = (
                f"issuer {issuer} ({state}): {name} differs between its plan rows "
                f"({seen}); the first number is kept"
            )
            notes.append(_note(None, None, "conflict", detail))
            warnings.warn(f"TC-PUF: {detail}.", ParityKitWarning, stacklevel=3)
        out[name] = values.astype("float64")
        out[name + C.MARKER_SUFFIX] = markers.where(values.isna()).astype("string")
    # Enrollment: the file reports it per plan only (no release seen has an issuer-level
    # figure). An issuer's enrollment is known when every one of its medical plans (every plan
    # of a dental-only issuer) reports a number; a masked plan is unknown, not zero, so with
    # one masked plan the sum of the others is only a lower bound (``enrollment_reported``).
    medical = plans[C.PRODUCT_TYPE] == "QHP"
    is_med_issuer = (
        out[C.HAS_MEDICAL_PLANS].reindex(pd.MultiIndex.from_frame(plans[key])).to_numpy()
    )
    use = plans.loc[medical | ~is_med_issuer]
    g = use.groupby(key)
    reported_sum = g[C.ENROLLMENT].sum(min_count=1).reindex(out.index)
    counted = g[C.ENROLLMENT].size().reindex(out.index).fillna(0).astype("int64")
    reported = g[C.ENROLLMENT].count().reindex(out.index).fillna(0).astype("int64")
    known = (counted > 0) & (reported == counted)
    best = _best_marker(use, C.ENROLLMENT + C.MARKER_SUFFIX, key).reindex(out.index)
    out[C.ENROLLMENT] = reported_sum.where(known).astype("float64")
    out[C.ENROLLMENT + C.MARKER_SUFFIX] = best.where(~known).astype("string")
    out[C.ENROLLMENT_REPORTED] = reported_sum.astype("float64")
    out[C.ENROLLMENT_PLANS] = counted
    out[C.ENROLLMENT_PLANS_REPORTED] = reported
    out[C.ENROLLMENT_PLANS_MISSING] = counted - reported
    out = out.reset_index()
    out[C.DENTAL_ONLY] = out[C.DENTAL_ONLY].astype(bool)
    out[C.HAS_MEDICAL_PLANS] = out[C.HAS_MEDICAL_PLANS].astype(bool)
    out[C.HAS_INDIVIDUAL_MEDICAL_PLANS] = out[C.HAS_INDIVIDUAL_MEDICAL_PLANS].astype(bool)
    out[C.ISSUER_NEW_TO_EXCHANGE] = out[C.ISSUER_NEW_TO_EXCHANGE].astype("boolean")
    return out

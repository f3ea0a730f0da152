"""Read X12 835 (electronic remittance advice) files into claim lines and adjustments.

A small strict parser written for paritykit (``docs/remittances.md`` says why no library was
used). It reads the separators each interchange declares in its ISA header, any number of
interchanges (ISA/IEA), functional groups (GS/GE) and transaction sets (ST/SE) per file, with or
without line breaks, indentation or blank lines between segments, and checks every envelope.

What is kept and what is set aside:

- Files are recognised by content (an ISA header), not by extension. A file that cannot be read
  (not X12, truncated, damaged) or that holds no 835 (a 999, 277 or 837) is skipped and listed
  in :attr:`Remittances.skipped`; the other files are still read.
- A claim (CLP) must balance: charge - paid = the sum of its claim- and line-level CAS
  adjustments. A claim that does not is excluded and listed; a service line that does not
  balance on its own inside a balanced claim (adjustments reported at claim level) is kept with
  a note. A value that cannot be read excludes its claim, not the file.
- A reversal (CLP02 = 22) cancels the one earlier claim whose amounts it negates; a corrected
  claim with the same claim number stays, whatever the order of the files.
- The same remittance claim read twice (same payer, trace number and claim) is counted once.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Final, Literal

import pandas as pd

from paritykit import columns as C
from paritykit.errors import (
    PROBLEM_COLUMNS,
    ConfigurationError,
    DataValidationError,
    InputFileError,
)

__all__ = [
    "ADJUSTMENT_COLUMNS",
    "PROVIDER_ADJUSTMENT_COLUMNS",
    "REMITTANCE_CLAIM_COLUMNS",
    "REMITTANCE_PROBLEM_COLUMNS",
    "REVERSAL_COLUMNS",
    "SKIPPED_FILE_COLUMNS",
    "X12_PARSER_VERSION",
    "Remittances",
    "read_835",
]

#: Version of the reading rules (status, claim type, service date, denial reason, reversals).
X12_PARSER_VERSION: Final = "2.0"

#: Columns of :attr:`Remittances.claims`: the claims contract, then remittance detail.
REMITTANCE_CLAIM_COLUMNS: Final[tuple[str, ...]] = (
    *C.CLAIMS_COLUMNS,
    C.PROCEDURE_QUALIFIER,
    C.PROCEDURE_MODIFIERS,
    C.UNITS,
    C.ADJUDICATION_LEVEL,
    C.DENIAL_GROUP_CODE,
    C.REMARK_CODES,
    C.LINE_CONTROL_NUMBER,
    C.CLAIM_STATUS_CODE,
    C.CLAIM_FILING_INDICATOR,
    C.FACILITY_CODE,
    C.PAYER_ID,
    C.PAYER_CLAIM_CONTROL_NUMBER,
    C.CLAIM_KEY,
    C.CLAIM_BILLED_AMOUNT,
    C.CLAIM_PAID_AMOUNT,
    C.PATIENT_RESPONSIBILITY_AMOUNT,
    C.CLAIM_RECEIVED_DATE,
    C.PAYMENT_DATE,
    C.PAYMENT_NUMBER,
    C.PAYMENT_METHOD,
    C.SOURCE_FILE,
    C.SEGMENT_NUMBER,
)
#: Columns of :attr:`Remittances.adjustments` (one row per CAS reason/amount/quantity triple).
ADJUSTMENT_COLUMNS: Final[tuple[str, ...]] = (
    C.CLAIM_ID,
    C.LINE_NUMBER,
    C.PLAN_ID,
    C.PAYER_CLAIM_CONTROL_NUMBER,
    C.GROUP_CODE,
    C.CARC,
    C.ADJUSTMENT_AMOUNT,
    C.ADJUSTMENT_QUANTITY,
    C.SOURCE_FILE,
    C.SEGMENT_NUMBER,
)
#: Columns of :attr:`Remittances.reversals`.
REVERSAL_COLUMNS: Final[tuple[str, ...]] = (
    C.CLAIM_ID,
    C.PLAN_ID,
    C.PAYER_CLAIM_CONTROL_NUMBER,
    C.CLAIM_BILLED_AMOUNT,
    C.CLAIM_PAID_AMOUNT,
    C.PAYMENT_DATE,
    C.SOURCE_FILE,
    C.SEGMENT_NUMBER,
    C.MATCHED,
    C.ORIGINAL_SOURCE_FILE,
    C.ORIGINAL_SEGMENT_NUMBER,
)
#: Columns of :attr:`Remittances.provider_adjustments` (PLB).
PROVIDER_ADJUSTMENT_COLUMNS: Final[tuple[str, ...]] = (
    C.PLAN_ID,
    C.PROVIDER_ID,
    C.FISCAL_PERIOD_DATE,
    C.ADJUSTMENT_REASON,
    C.REFERENCE_ID,
    C.ADJUSTMENT_AMOUNT,
    C.PAYMENT_NUMBER,
    C.SOURCE_FILE,
    C.SEGMENT_NUMBER,
)
#: Columns of :attr:`Remittances.problems`: the problem columns, the claim, and the action taken.
REMITTANCE_PROBLEM_COLUMNS: Final[tuple[str, ...]] = (*PROBLEM_COLUMNS, C.CLAIM_ID, C.ACTION)
#: Columns of :attr:`Remittances.skipped`: one row per file that was not read.
SKIPPED_FILE_COLUMNS: Final[tuple[str, ...]] = (
    C.SOURCE_FILE,
    C.TRANSACTION_SET,
    C.SEGMENT_NUMBER,
    C.EXCLUSION_REASON,
)

#: ``action`` values of :attr:`Remittances.problems`.
EXCLUDED: Final = "excluded"
KEPT: Final = "kept"
SKIPPED: Final = "file skipped"

#: Names of the X12 transaction sets a practice may find beside its 835s.
X12_TRANSACTION_NAMES: Final[dict[str, str]] = {
    "835": "835 remittance advice",
    "837": "837 claim",
    "999": "999 implementation acknowledgment",
    "997": "997 functional acknowledgment",
    "277": "277 claim status response",
    "276": "276 claim status request",
    "270": "270 eligibility request",
    "271": "271 eligibility response",
    "278": "278 authorization request or response",
    "820": "820 premium payment",
    "834": "834 enrollment",
}

AllowedPolicy = Literal["reported", "derived"]

#: Characters allowed between segments (and around them): line breaks and indentation.
_BETWEEN: Final = "\r\n \t\x00"
_SEGMENT_ID = re.compile(r"^[A-Z][A-Z0-9]{1,2}$")
_AMOUNT = re.compile(r"^-?(?:\d+(?:\.\d*)?|\.\d+)$")
_DATE = re.compile(r"^\d{8}$")
#: CLP02 values of X12 code list 1029 that paritykit accepts.
_CLAIM_STATUS_CODES: Final = frozenset({"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"})
#: SVC01-1 qualifiers, used to recognise a composite written with a foreign separator.
_SVC_QUALIFIERS: Final = ("AD", "ER", "HC", "HP", "IV", "N4", "N6", "NU", "UI", "WK")
_FOREIGN_COMPONENT = re.compile(r"^(?:" + "|".join(_SVC_QUALIFIERS) + r")([^A-Za-z0-9 ])")
_CAS_GROUPS: Final = frozenset({"CO", "CR", "OA", "PI", "PR"})
_ZERO = Decimal(0)

MSG_NO_PATHS = "read_835 needs at least one file or folder; got none."


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Remittances:
    """Claim lines, adjustments and problems read from X12 835 files.

    Attributes
    ----------
    claims : pandas.DataFrame
        One row per service line (SVC), or one row per claim paid without service lines, in the
        claims data contract plus remittance detail (:data:`REMITTANCE_CLAIM_COLUMNS`). Only
        balanced claims that no reversal cancelled, each remittance claim once. ``claim_key``
        identifies a claim (payer, CLP01, CLP07 and service dates).
    adjustments : pandas.DataFrame
        One row per CAS adjustment of the claims in ``claims`` (:data:`ADJUSTMENT_COLUMNS`);
        ``line_number`` is missing for claim-level adjustments.
    problems : pandas.DataFrame
        Everything the reader noticed (:data:`REMITTANCE_PROBLEM_COLUMNS`); ``action`` says
        whether the claim was ``excluded``, the data ``kept`` (a note), or the ``file skipped``.
    reversals : pandas.DataFrame
        One row per CLP02 = 22 reversal, and the original payment it cancelled when found.
    provider_adjustments : pandas.DataFrame
        Provider-level adjustments (PLB), which belong to no claim.
    files : tuple of str
        The files read, in reading order.
    carc_table_version : str
        Version of the CARC table whose ``counts_as_denial`` flags set line-level denials.
    parser_version : str
        :data:`X12_PARSER_VERSION`.
    allowed : str
        How ``allowed_amount`` was filled (``"reported"`` or ``"derived"``).
    skipped : pandas.DataFrame
        One row per file that was not read (:data:`SKIPPED_FILE_COLUMNS`): the file, its X12
        transaction set when it is X12 but not an 835, the segment where reading stopped, and
        why.
    claims_excluded : int
        Claims set aside because a value could not be read or they do not balance.
    duplicates : int
        Remittance claims read a second time (same payer, trace number and claim), counted once.
    """

    claims: pd.DataFrame = field(repr=False)
    adjustments: pd.DataFrame = field(repr=False)
    problems: pd.DataFrame = field(repr=False)
    reversals: pd.DataFrame = field(repr=False)
    provider_adjustments: pd.DataFrame = field(repr=False)
    files: tuple[str, ...]
    carc_table_version: str
    parser_version: str = X12_PARSER_VERSION
    allowed: AllowedPolicy = "reported"
    skipped: pd.DataFrame = field(
        repr=False, default_factory=lambda: pd.DataFrame(columns=list(SKIPPED_FILE_COLUMNS))
    )
    claims_excluded: int = 0
    duplicates: int = 0

    @property
    def n_claims(self) -> int:
        """The number of claims read (distinct ``claim_key``), not of distinct claim numbers."""
        return int(self.claims[C.CLAIM_KEY].nunique()) if len(self.claims) else 0

    def to_frame(self) -> pd.DataFrame:
        """The claim lines (a copy of :attr:`claims`)."""
        return self.claims.copy()

    def problem_lines(self, limit: int | None = 10) -> list[str]:
        """The problems as readable lines, files skipped and claims excluded first.

        Parameters
        ----------
        limit : int or None
            At most this many lines (all when None).
        """
        order = {SKIPPED: 0, EXCLUDED: 1, KEPT: 2}
        frame = self.problems.assign(_o=self.problems[C.ACTION].map(order).fillna(3))
        frame = frame.sort_values("_o", kind="stable")
        rows = frame if limit is None else frame.head(limit)
        return [_problem_line(row) for row in rows.to_dict("records")]

    def summary(self) -> str:
        """A short text account of what was read and what was set aside."""
        claims = self.claims
        denied = int((claims[C.STATUS] == "denied").sum()) if len(claims) else 0
        denied_claims = (
            int(claims.loc[claims[C.STATUS] == "denied", C.CLAIM_KEY].nunique())
            if len(claims)
            else 0
        )
        kept = self.problems[self.problems[C.ACTION] == KEPT]
        matched = int(self.reversals[C.MATCHED].sum()) if len(self.reversals) else 0
        lines = [
            f"835 remittances: {len(self.files)} file(s) read, {len(self.skipped)} skipped; "
            f"parser {self.parser_version}, CARC table {self.carc_table_version}",
            f"  claims: {self.n_claims} ({len(claims)} claim lines); denied: {denied_claims} "
            f"claim(s), {denied} line(s)",
            f"  adjustments: {len(self.adjustments)}; provider adjustments (PLB): "
            f"{len(self.provider_adjustments)}",
            f"  reversals: {len(self.reversals)} ({matched} matched to the payment they cancel)",
            f"  claims excluded (unreadable or unbalanced): {self.claims_excluded}; read twice "
            f"and counted once: {self.duplicates}; notes on kept data: {len(kept)}",
        ]
        for row in self.skipped.to_dict("records"):
            where = f", segment {row[C.SEGMENT_NUMBER]}" if pd.notna(row[C.SEGMENT_NUMBER]) else ""
            lines.append(f"    skipped {row[C.SOURCE_FILE]}{where}: {row[C.EXCLUSION_REASON]}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        text = html.escape(self.summary()).replace("\n", "<br>")
        return f"<p>{text}</p>" + self.claims.head(20).to_html(index=False)


def _problem_line(row: dict[str, object]) -> str:
    """One problem as a sentence: where, what, which value, and what was done."""
    where = str(row["file"])
    if pd.notna(row["row"]):
        where += f", segment {row['row']}"
    column = row["column"]
    value = row["value"]
    if column and pd.notna(column):
        shown = str(value) if pd.notna(value) else ""
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        where += f", {column}" + (f" = {shown!r}" if shown else "")
    action = row[C.ACTION]
    claim = row[C.CLAIM_ID]
    if action == EXCLUDED:
        done = f"claim {claim} excluded" if claim and pd.notna(claim) else "excluded"
    elif action == SKIPPED:
        done = "file skipped"
    else:
        done = "kept"
    expected = row["expected"]
    tail = f" (expected {expected})" if expected and pd.notna(expected) else ""
    return f"{where}: {row['problem']}{tail}; {done}."


# --------------------------------------------------------------------------------------------
# Parsed records
# --------------------------------------------------------------------------------------------
@dataclass
class _Adj:
    group: str
    carc: str
    amount: Decimal | None
    quantity: Decimal | None
    seg: int


@dataclass
class _Line:
    seg: int
    qualifier: str | None
    code: str | None
    modifiers: tuple[str, ...]
    charge: Decimal | None
    paid: Decimal | None
    revenue_code: str | None
    units: Decimal | None
    date_472: date | None = None
    date_150: date | None = None
    allowed: Decimal | None = None
    control_number: str | None = None
    remarks: list[str] = field(default_factory=list)
    cas: list[_Adj] = field(default_factory=list)


@dataclass
class _Payment:
    file: str
    payer_name: str | None = None
    payer_id: str | None = None
    payment_date: date | None = None
    trace: str | None = None
    method: str | None = None
    total: Decimal | None = None
    st_seg: int = 0


@dataclass
class _Claim:
    order: int
    seg: int
    payment: _Payment
    claim_id: str
    status_code: str
    charge: Decimal | None
    paid: Decimal | None
    patient_resp: Decimal | None
    filing_indicator: str | None
    control_number: str | None
    facility_code: str | None
    frequency: str | None
    member_id: str | None = None
    received: date | None = None
    statement_start: date | None = None
    statement_end: date | None = None
    inpatient_evidence: bool = False
    cas: list[_Adj] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)
    excluded: bool = False


@dataclass
class _Plb:
    payment: _Payment
    seg: int
    provider_id: str | None
    fiscal_date: date | None
    reason: str | None
    reference: str | None
    amount: Decimal | None


@dataclass
class _Collector:
    """Problems of one file: a bad value excludes the claim it belongs to, nothing more.

    ``claim`` is the claim being read; a value problem inside it excludes it. A value problem
    outside a claim (a payment date, a provider adjustment) leaves that value missing.
    """

    rows: list[dict[str, object]] = field(default_factory=list)
    claim: _Claim | None = None

    def error(self, file: str, seg: int, column: str, value: object, problem: str, expected: str):
        claim = self.claim
        if claim is not None:
            claim.excluded = True
            row = _problem(file, seg, column, value, problem, expected, claim.claim_id, EXCLUDED)
        else:
            row = _problem(
                file, seg, column, value, problem + "; left missing", expected, None, KEPT
            )
        self.rows.append(row)

    def note(self, row: dict[str, object]) -> None:
        self.rows.append(row)


def _problem(
    file: str,
    seg: int | None,
    column: str,
    value: object,
    problem: str,
    expected: str,
    claim_id: str | None,
    action: str,
) -> dict[str, object]:
    return {
        "file": file,
        "row": seg,
        "column": column,
        "value": value,
        "problem": problem,
        "expected": expected,
        C.CLAIM_ID: claim_id,
        C.ACTION: action,
    }


def _structure_error(
    file: str, seg: int, column: str, value: object, problem: str, expected: str, todo: str
) -> DataValidationError:
    frame = pd.DataFrame(
        [_problem(file, seg, column, value, problem, expected, None, "raised")],
        columns=list(REMITTANCE_PROBLEM_COLUMNS),
    )
    shown = value if len(str(value)) <= 60 else str(value)[:57] + "..."
    return DataValidationError(
        f"{file}, segment {seg}: {problem} (found {shown!r}; expected {expected}). {todo}", frame
    )


# --------------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Seg:
    number: int
    parts: list[str]
    component: str

    @property
    def id(self) -> str:
        return self.parts[0]

    def text(self) -> str:
        """The segment as one string, elements joined by '*'."""
        return "*".join(self.parts)

    def get(self, i: int) -> str | None:
        """Element ``i`` (1-based) stripped, or None when absent or blank."""
        if i < len(self.parts):
            value = self.parts[i].strip()
            return value or None
        return None


def _segments(text: str, file: str, notes: list[dict[str, object]]) -> Iterator[_Seg]:
    """Yield the segments of ``text``, one interchange at a time, each with its own separators.

    Notes on how the layout was read (a terminator written at the start of the next line) are
    appended to ``notes``.
    """
    pos = 0
    number = 0
    length = len(text)
    while True:
        # between interchanges: line breaks, and blanks or NULs that pad fixed-length records
        while pos < length and text[pos] in "\r\n \t\x00":
            pos += 1
        if pos >= length:
            return
        if not text.startswith("ISA", pos):
            raise _structure_error(
                file,
                number + 1,
                "ISA",
                text[pos : pos + 20],
                "an interchange must start with an ISA segment",
                "'ISA'",
                "Check that this is an X12 file and that it was not cut or joined badly.",
            )
        element = text[pos + 3] if pos + 3 < length else ""
        if not element or element.isalnum() or element in " \r\n":
            raise _structure_error(
                file,
                number + 1,
                "ISA",
                text[pos : pos + 20],
                "the ISA element separator (4th character) is missing or a letter, digit or space",
                "a delimiter such as '*' or '|'",
                "The separators of this file are wrong; re-export it from the clearinghouse.",
            )
        idx = pos + 3
        for _ in range(15):
            idx = text.find(element, idx + 1)
            if idx == -1:
                break
        if idx == -1 or idx + 2 >= length:
            raise _structure_error(
                file,
                number + 1,
                "ISA",
                text[pos : pos + 40],
                "the ISA header is incomplete: fewer than 16 elements, or no segment terminator",
                "16 elements then a segment terminator",
                "The file looks truncated or its separators are wrong.",
            )
        component = text[idx + 1]
        terminator = text[idx + 2]
        if terminator in "\r\n":
            # some files put the terminator at the start of the next line ("...:\n~GS*...")
            j = idx + 2
            while j < length and text[j] in "\r\n":
                j += 1
            lead = text[j] if j < length else ""
            if (
                lead
                and not lead.isalnum()
                and lead not in (element, component, " ", "\t")
                and text[j + 1 : j + 3] == "GS"
            ):
                terminator = lead
                notes.append(
                    _problem(
                        file,
                        number + 1,
                        "ISA",
                        lead,
                        f"each segment is ended by {lead!r} at the start of the next line; read "
                        f"with {lead!r} as the segment terminator",
                        "the terminator right after ISA16",
                        None,
                        KEPT,
                    )
                )
        if terminator.isalnum() or terminator in (element, component) or component == element:
            raise _structure_error(
                file,
                number + 1,
                "ISA16",
                text[idx + 1 : idx + 3],
                "ISA16 and the segment terminator must be two distinct delimiters",
                "a component separator then a segment terminator, e.g. ':~'",
                "The separators of this file are wrong; re-export it.",
            )
        in_interchange = True
        while in_interchange:
            # line breaks, indentation and blank lines between segments
            while pos < length and text[pos] in _BETWEEN and text[pos] != terminator:
                pos += 1
            if pos < length and text[pos] == terminator:  # an empty segment (a blank line)
                pos += 1
                continue
            end = text.find(terminator, pos)
            if end == -1 and text[pos:].strip(_BETWEEN).startswith("IEA" + element):
                end = length  # the last segment of the file without its terminator
            if end == -1:
                rest = text[pos:].strip("\r\n")
                raise _structure_error(
                    file,
                    number + 1,
                    "IEA",
                    rest[:40] if rest else "end of file",
                    "the file ends inside an interchange (no IEA trailer)",
                    "segments up to an IEA segment",
                    "The file is truncated; get the complete file from the payer.",
                )
            raw = text[pos:end]
            if terminator not in "\r\n":
                # files wrapped at a fixed width carry line breaks inside segments
                raw = raw.replace("\r", "").replace("\n", "")
            pos = end + 1
            number += 1
            raw = raw.rstrip(_BETWEEN)
            if not raw:
                number -= 1
                continue
            parts = raw.split(element)
            seg_id = parts[0].strip(_BETWEEN)
            parts[0] = seg_id
            if not _SEGMENT_ID.match(seg_id):
                if element not in raw and len(raw) > 3:
                    problem = (
                        "not a segment: it holds no element separator "
                        f"{element!r} (declared in ISA) and its start is no segment identifier"
                    )
                else:
                    problem = "not a segment identifier (2-3 upper-case letters or digits)"
                raise _structure_error(
                    file,
                    number,
                    "segment",
                    raw[:40],
                    problem,
                    f"a segment such as 'CLP{element}...' ended by {terminator!r}",
                    "The file is damaged or was edited by hand; get a fresh copy from the payer.",
                )
            yield _Seg(number, parts, component)
            if seg_id == "IEA":
                in_interchange = False


# --------------------------------------------------------------------------------------------
# Value parsing
# --------------------------------------------------------------------------------------------
def _amount(seg: _Seg, i: int, file: str, col: _Collector, *, required: bool) -> Decimal | None:
    value = seg.get(i)
    name = f"{seg.id}{i:02d}"
    if value is None:
        if required:
            col.error(file, seg.number, name, "", "missing amount", "a decimal amount like 123.45")
        return None
    if not _AMOUNT.match(value):
        col.error(file, seg.number, name, value, "not a number", "a decimal amount like 123.45")
        return None
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern already guarantees a number
        col.error(file, seg.number, name, value, "not a number", "a decimal amount like 123.45")
        return None


def _date(seg: _Seg, i: int, file: str, col: _Collector, *, essential: bool = True) -> date | None:
    """Parse CCYYMMDD. A bad service date is an error; a bad payment, received or fiscal date
    (``essential=False``) is kept as missing and noted, since the claim itself is intact."""
    value = seg.get(i)
    if value is None:
        return None
    name = f"{seg.id}{i:02d}"
    if _DATE.match(value):
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            pass
    expected = "a date as CCYYMMDD, e.g. 20240131"
    if essential:
        col.error(file, seg.number, name, value, "not a date", expected)
    else:
        col.note(
            _problem(
                file, seg.number, name, value, "not a date; left missing", expected, None, "kept"
            )
        )
    return None


def _composite(
    seg: _Seg, i: int, file: str, col: _Collector, claim_id: str | None
) -> list[str] | None:
    value = seg.get(i)
    name = f"{seg.id}{i:02d}"
    if value is None:
        return None
    if seg.component in value:
        return [v.strip() for v in value.split(seg.component)]
    foreign = _FOREIGN_COMPONENT.match(value)
    if foreign:
        sep = foreign.group(1)
        col.note(
            _problem(
                file,
                seg.number,
                name,
                value,
                f"component separator {sep!r} differs from the {seg.component!r} declared in "
                f"ISA16; read as {sep!r}",
                f"{seg.component!r} as declared in ISA16",
                claim_id,
                "kept",
            )
        )
        return [v.strip() for v in value.split(sep)]
    if value in _SVC_QUALIFIERS:
        col.error(file, seg.number, name, value, "procedure code missing", "qualifier:code")
        return None
    col.error(
        file,
        seg.number,
        name,
        value,
        "composite has no component separator",
        f"qualifier{seg.component}code, e.g. HC{seg.component}90837",
    )
    return None


# --------------------------------------------------------------------------------------------
# The 835 reader proper
# --------------------------------------------------------------------------------------------
@dataclass
class _Envelope:
    isa_control: str | None = None
    isa_seg: int = 0
    gs_count: int = 0
    gs_control: str | None = None
    gs_seg: int = 0
    st_count: int = 0
    st_control: str | None = None
    st_start: int = 0
    in_isa: bool = False
    in_gs: bool = False
    in_st: bool = False
    #: ST01 of the current transaction set when it is not an 835 (its segments are skipped)
    foreign: str | None = None


@dataclass
class _FileResult:
    claims: list[_Claim]
    plbs: list[_Plb]
    transactions: list[tuple[_Payment, int, list[_Claim], list[_Plb]]]
    rows: list[dict[str, object]]
    #: ST01 values of transaction sets that are not 835s, with their ST segment numbers
    foreign: list[tuple[str, int]]


class _NotRemittanceError(Exception):
    """An X12 file holding no 835 transaction set."""

    def __init__(self, types: list[tuple[str, int]]) -> None:
        self.types = types
        names = sorted({X12_TRANSACTION_NAMES.get(t, f"X12 {t}") for t, _ in types})
        super().__init__(
            f"X12 {', '.join(names)}, not a remittance (835); not read. "
            "Pass it to the tool made for it, or leave it out."
        )


def _envelope_note(
    file: str, seg: _Seg, column: str, value: object, problem: str, expected: str
) -> dict[str, object]:
    return _problem(file, seg.number, column, value, problem, expected, None, KEPT)


def _parse_file(path: Path, text: str, order_start: int) -> _FileResult:
    file = str(path)
    col = _Collector()
    env = _Envelope()
    claims: list[_Claim] = []
    plbs: list[_Plb] = []
    transactions: list[tuple[_Payment, int, list[_Claim], list[_Plb]]] = []
    foreign: list[tuple[str, int]] = []
    payment = _Payment(file=file)  # replaced at each ST
    claim: _Claim | None = None
    line: _Line | None = None
    entity: str | None = None
    tx_claims: list[_Claim] = []
    tx_plbs: list[_Plb] = []
    order = order_start

    def fail(seg: _Seg, problem: str, expected: str, todo: str) -> DataValidationError:
        return _structure_error(file, seg.number, seg.id, seg.text(), problem, expected, todo)

    def set_claim(new: _Claim | None) -> None:
        nonlocal claim, line
        claim, line = new, None
        col.claim = new

    for seg in _segments(text, file, col.rows):
        sid = seg.id
        if sid == "ISA":
            if env.in_isa:
                raise fail(
                    seg,
                    "a new interchange starts before IEA closed the last one",
                    "IEA before the next ISA",
                    "The file is damaged or badly joined.",
                )
            if len(seg.parts) != 17:
                raise fail(
                    seg, "ISA must have 16 elements", "16 elements", "Check the file's separators."
                )
            env = _Envelope(isa_control=seg.get(13), isa_seg=seg.number, in_isa=True)
            continue
        if not env.in_isa:  # pragma: no cover - the tokenizer guarantees an ISA first
            raise fail(seg, "segment outside an interchange", "ISA first", "")
        if env.foreign is not None and sid not in ("SE", "GE", "IEA"):
            continue  # inside a transaction set that is not an 835
        if sid == "IEA":
            if env.in_gs:
                raise fail(
                    seg,
                    "IEA arrives before GE closed the functional group: the group is cut short",
                    "GE then IEA",
                    "The file is truncated or damaged; get a fresh copy from the payer.",
                )
            if seg.get(2) != env.isa_control:
                col.note(
                    _envelope_note(
                        file,
                        seg,
                        "IEA02",
                        seg.get(2),
                        f"control numbers differ: ISA13 is {env.isa_control}, IEA02 {seg.get(2)}",
                        "IEA02 = ISA13",
                    )
                )
            if seg.get(1) != str(env.gs_count):
                col.note(
                    _envelope_note(
                        file,
                        seg,
                        "IEA01",
                        seg.get(1),
                        f"counts differ: IEA01 says {seg.get(1)} functional group(s), the "
                        f"interchange holds {env.gs_count}",
                        f"IEA01 = {env.gs_count}",
                    )
                )
            env.in_isa = False
            continue
        if sid == "GS":
            if env.in_gs:
                raise fail(
                    seg,
                    "GS arrives before GE closed the last group",
                    "GE before GS",
                    "The file is damaged.",
                )
            env.in_gs = True
            env.gs_count += 1
            env.gs_control = seg.get(6)
            env.gs_seg = seg.number
            env.st_count = 0
            continue
        if sid == "GE":
            if env.in_st or not env.in_gs:
                raise fail(
                    seg,
                    "GE arrives outside a functional group or before SE: a transaction set is "
                    "cut short",
                    "ST ... SE then GE",
                    "The file is truncated or damaged; get a fresh copy from the payer.",
                )
            if seg.get(2) != env.gs_control:
                col.note(
                    _envelope_note(
                        file,
                        seg,
                        "GE02",
                        seg.get(2),
                        f"control numbers differ: GS06 is {env.gs_control}, GE02 {seg.get(2)}",
                        "GE02 = GS06",
                    )
                )
            if seg.get(1) != str(env.st_count):
                col.note(
                    _envelope_note(
                        file,
                        seg,
                        "GE01",
                        seg.get(1),
                        f"counts differ: GE01 says {seg.get(1)} transaction set(s), the group "
                        f"holds {env.st_count}",
                        f"GE01 = {env.st_count}",
                    )
                )
            env.in_gs = False
            continue
        if sid == "ST":
            if not env.in_gs or env.in_st:
                raise fail(
                    seg,
                    "ST arrives outside a functional group or before SE closed the last one",
                    "GS then ST",
                    "The file is damaged.",
                )
            env.in_st = True
            env.st_count += 1
            env.st_control = seg.get(2)
            env.st_start = seg.number
            set_claim(None)
            if seg.get(1) != "835":
                env.foreign = seg.get(1) or "unknown"
                foreign.append((env.foreign, seg.number))
                continue
            payment = _Payment(file=file, st_seg=seg.number)
            entity = None
            tx_claims, tx_plbs = [], []
            continue
        if not env.in_st:
            raise fail(
                seg,
                f"segment {sid} outside a transaction set",
                "ST before it",
                "The file is damaged.",
            )
        if sid == "SE":
            count = seg.number - env.st_start + 1
            if seg.get(2) != env.st_control:
                col.note(
                    _envelope_note(
                        file,
                        seg,
                        "SE02",
                        seg.get(2),
                        f"control numbers differ: ST02 is {env.st_control}, SE02 {seg.get(2)}",
                        "SE02 = ST02",
                    )
                )
            if seg.get(1) != str(count):
                col.note(
                    _envelope_note(
                        file,
                        seg,
                        "SE01",
                        seg.get(1),
                        f"counts differ: SE01 says {seg.get(1)} segments, the transaction set "
                        f"has {count}; every claim was still checked to balance",
                        f"SE01 = {count}",
                    )
                )
            env.in_st = False
            set_claim(None)
            if env.foreign is not None:
                env.foreign = None
                continue
            transactions.append((payment, seg.number, tx_claims, tx_plbs))
            continue
        if sid == "BPR":
            payment.total = _amount(seg, 2, file, col, required=True)
            payment.method = seg.get(4)
            payment.payment_date = _date(seg, 16, file, col, essential=False)
        elif sid == "TRN":
            payment.trace = seg.get(2)
        elif sid == "N1" and claim is None:
            entity = seg.get(1)
            if entity == "PR":
                payment.payer_name = seg.get(2)
                payment.payer_id = seg.get(4)
        elif sid == "REF" and claim is None and entity == "PR" and seg.get(1) == "2U":
            payment.payer_id = payment.payer_id or seg.get(2)
        elif sid == "LX":
            set_claim(None)
        elif sid == "CLP":
            if payment.payer_name is None and payment.payer_id is None:
                raise fail(
                    seg,
                    "claim before the payer is named",
                    "an N1*PR segment first",
                    "The file lacks its payer loop (1000A).",
                )
            new = _Claim(
                order=order,
                seg=seg.number,
                payment=payment,
                claim_id=seg.get(1) or "",
                status_code=seg.get(2) or "",
                charge=None,
                paid=None,
                patient_resp=None,
                filing_indicator=seg.get(6),
                control_number=seg.get(7),
                facility_code=seg.get(8),
                frequency=seg.get(9),
            )
            set_claim(new)
            order += 1
            claims.append(new)
            tx_claims.append(new)
            if not new.claim_id:
                col.error(file, seg.number, "CLP01", "", "missing claim id", "the claim id")
            if new.status_code not in _CLAIM_STATUS_CODES:
                col.error(
                    file,
                    seg.number,
                    "CLP02",
                    new.status_code,
                    "unknown claim status code",
                    ", ".join(sorted(_CLAIM_STATUS_CODES, key=int)),
                )
            new.charge = _amount(seg, 3, file, col, required=True)
            new.paid = _amount(seg, 4, file, col, required=True)
            new.patient_resp = _amount(seg, 5, file, col, required=False)
        elif sid == "CAS":
            if claim is None:
                raise fail(
                    seg,
                    "adjustment (CAS) outside a claim",
                    "a CLP segment before it",
                    "The claim header (CLP) is missing.",
                )
            adjs = _cas(seg, file, col)
            (line.cas if line is not None else claim.cas).extend(adjs)
        elif sid == "SVC":
            if claim is None:
                raise fail(
                    seg,
                    "service line (SVC) outside a claim",
                    "a CLP segment before it",
                    "The claim header (CLP) is missing.",
                )
            comp = _composite(seg, 1, file, col, claim.claim_id) or []
            qualifier = comp[0] if comp else None
            code = comp[1] if len(comp) > 1 and comp[1] else None
            modifiers = tuple(m for m in comp[2:6] if m)
            units = _amount(seg, 5, file, col, required=False)
            line = _Line(
                seg=seg.number,
                qualifier=qualifier,
                code=code,
                modifiers=modifiers,
                charge=_amount(seg, 2, file, col, required=True),
                paid=_amount(seg, 3, file, col, required=True),
                revenue_code=seg.get(4),
                units=units if units is not None else Decimal(1),
            )
            claim.lines.append(line)
        elif sid == "DTM" and claim is not None:
            qual = seg.get(1)
            if line is not None:
                if qual == "472":
                    line.date_472 = _date(seg, 2, file, col)
                elif qual == "150":
                    line.date_150 = _date(seg, 2, file, col)
            elif qual == "232":
                claim.statement_start = _date(seg, 2, file, col)
            elif qual == "233":
                claim.statement_end = _date(seg, 2, file, col)
            elif qual == "050":
                claim.received = _date(seg, 2, file, col, essential=False)
        elif sid == "AMT" and line is not None and seg.get(1) == "B6":
            line.allowed = _amount(seg, 2, file, col, required=True)
        elif sid == "REF" and line is not None and seg.get(1) == "6R":
            line.control_number = seg.get(2)
        elif sid == "LQ" and line is not None and seg.get(1) == "HE":
            if seg.get(2):
                line.remarks.append(str(seg.get(2)))
        elif sid == "NM1" and claim is not None and line is None and seg.get(1) == "QC":
            claim.member_id = seg.get(9)
        elif sid == "MIA" and claim is not None:
            claim.inpatient_evidence = True
        elif sid == "PLB":
            set_claim(None)
            plbs_here = _plb(seg, payment, file, col)
            plbs.extend(plbs_here)
            tx_plbs.extend(plbs_here)
    if not transactions and foreign:
        raise _NotRemittanceError(foreign)
    if foreign:
        for kind, number in foreign:
            col.note(
                _problem(
                    file,
                    number,
                    "ST01",
                    kind,
                    f"a transaction set that is not an 835 "
                    f"({X12_TRANSACTION_NAMES.get(kind, 'X12 ' + kind)}); not read",
                    "835",
                    None,
                    KEPT,
                )
            )
    return _FileResult(claims, plbs, transactions, col.rows, foreign)


def _cas(seg: _Seg, file: str, col: _Collector) -> list[_Adj]:
    group = seg.get(1)
    if group not in _CAS_GROUPS:
        col.error(
            file,
            seg.number,
            "CAS01",
            group,
            "unknown adjustment group code",
            ", ".join(sorted(_CAS_GROUPS)),
        )
        group = group or ""
    adjs: list[_Adj] = []
    for start in range(2, 20, 3):
        reason = seg.get(start)
        amount_present = seg.get(start + 1) is not None
        if reason is None and not amount_present:
            continue
        if reason is None:
            col.error(
                file,
                seg.number,
                f"CAS{start:02d}",
                "",
                "adjustment amount without a reason",
                "a CARC code before each amount",
            )
            continue
        amount = _amount(seg, start + 1, file, col, required=True)
        quantity = _amount(seg, start + 2, file, col, required=False)
        adjs.append(_Adj(str(group), reason.upper(), amount, quantity, seg.number))
    if not adjs:
        col.error(
            file,
            seg.number,
            "CAS02",
            "",
            "CAS without any adjustment",
            "at least one reason code and amount",
        )
    return adjs


def _plb(seg: _Seg, payment: _Payment, file: str, col: _Collector) -> list[_Plb]:
    out: list[_Plb] = []
    fiscal = _date(seg, 2, file, col, essential=False)
    for start in range(3, 15, 2):
        if seg.get(start) is None:
            continue
        value = str(seg.get(start))
        pieces = value.split(seg.component) if seg.component in value else [value]
        out.append(
            _Plb(
                payment=payment,
                seg=seg.number,
                provider_id=seg.get(1),
                fiscal_date=fiscal,
                reason=pieces[0] or None,
                reference=pieces[1] if len(pieces) > 1 and pieces[1] else None,
                amount=_amount(seg, start + 1, file, col, required=True),
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# Claim rules: balance, reversals, status, denial reason, claim type
# --------------------------------------------------------------------------------------------
def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    total = _ZERO
    for v in values:
        if v is None:
            return None
        total += v
    return total


def _balance_problems(claim: _Claim) -> list[dict[str, object]]:
    """Check the claim against the X12 balancing rule; exclude it when it fails.

    The claim must balance: CLP03 - CLP04 = every CAS amount of the claim and its lines. A line
    that does not balance on its own inside a balanced claim (the payer reported adjustments at
    claim level) is kept with a note.
    """
    file = claim.payment.file
    out = []
    adjs = claim.cas + [a for ln in claim.lines for a in ln.cas]
    total = _sum(a.amount for a in adjs)
    claim_balances = True
    if claim.charge is not None and claim.paid is not None and total is not None:
        diff = claim.charge - claim.paid
        if diff != total:
            claim_balances = False
            out.append(
                _problem(
                    file,
                    claim.seg,
                    "CLP03-CLP04-CAS",
                    f"{claim.charge} - {claim.paid} = {diff}; adjustments sum to {total}",
                    "claim does not balance",
                    "charge - paid = sum of the claim's CAS adjustment amounts",
                    claim.claim_id,
                    EXCLUDED,
                )
            )
    for ln in claim.lines:
        line_total = _sum(a.amount for a in ln.cas)
        if ln.charge is None or ln.paid is None or line_total is None:
            continue
        diff = ln.charge - ln.paid
        if diff != line_total:
            out.append(
                _problem(
                    file,
                    ln.seg,
                    "SVC02-SVC03-CAS",
                    f"{ln.charge} - {ln.paid} = {diff}; line adjustments sum to {line_total}",
                    "service line does not balance on its own; the claim balances with its "
                    "claim-level adjustments"
                    if claim_balances
                    else "service line does not balance",
                    "line charge - line paid = sum of the line's CAS adjustment amounts",
                    claim.claim_id,
                    KEPT if claim_balances else EXCLUDED,
                )
            )
    if claim.status_code == "4" and claim.paid not in (None, _ZERO):
        out.append(
            _problem(
                file,
                claim.seg,
                "CLP04",
                str(claim.paid),
                "claim status 4 (denied) but a payment is reported",
                "0 paid on a denied claim",
                claim.claim_id,
                EXCLUDED,
            )
        )
    if claim.status_code == "25":
        out.append(
            _problem(
                file,
                claim.seg,
                "CLP02",
                "25",
                "predetermination pricing only: no claim was adjudicated",
                "a claim status of 1-4, 19-23",
                claim.claim_id,
                EXCLUDED,
            )
        )
    return out


def _payer_key(pay: _Payment) -> str:
    return pay.payer_id or pay.payer_name or ""


def _claim_dates(claim: _Claim) -> tuple[date | None, date | None]:
    """First and last service date: the claim's statement dates, else its lines' dates."""
    if claim.statement_start or claim.statement_end:
        return claim.statement_start or claim.statement_end, claim.statement_end or (
            claim.statement_start
        )
    dates = [d for ln in claim.lines for d in (ln.date_472 or ln.date_150,) if d is not None]
    return (min(dates), max(dates)) if dates else (None, None)


def _claim_key(claim: _Claim) -> str:
    """A claim's identity: payer, CLP01, CLP07 (payer claim control number), service dates."""
    first, last = _claim_dates(claim)
    parts = [
        _payer_key(claim.payment),
        claim.claim_id,
        claim.control_number or "",
        first.isoformat() if first else "",
        last.isoformat() if last else "",
    ]
    return "|".join(parts)


def _duplicate_problems(claims: list[_Claim]) -> list[dict[str, object]]:
    """The same remittance claim read twice (same payer, TRN02, claim) is counted once."""
    out = []
    seen: dict[tuple[object, ...], _Claim] = {}
    for c in claims:
        key = (
            _claim_key(c),
            c.payment.trace,
            c.status_code,
            c.charge,
            c.paid,
            len(c.lines),
        )
        first = seen.get(key)
        if first is None:
            seen[key] = c
            continue
        if c.excluded:
            continue
        c.excluded = True
        out.append(
            _problem(
                c.payment.file,
                c.seg,
                "CLP01",
                c.claim_id,
                f"the same remittance claim was already read ({first.payment.file}, segment "
                f"{first.seg}: same payer, trace number {c.payment.trace} and claim); counted "
                "once",
                "each remittance read once",
                c.claim_id,
                EXCLUDED,
            )
        )
    return out


def _match_reversals(claims: list[_Claim]) -> tuple[list[dict[str, object]], list[dict]]:
    """Cancel each reversal (CLP02 = 22) against the one claim whose amounts it negates.

    The original is a claim of the same payer and claim number (CLP01) whose charge and payment
    are the reversal's with the sign changed. Among several, the one with the same payer claim
    control number (CLP07) is preferred, then one paid in an earlier payment, then the latest
    of those; the files' order plays no part. A corrected claim sent with the reversal does not
    negate it and stays.
    """
    rows: list[dict[str, object]] = []
    notes: list[dict[str, object]] = []
    originals: dict[tuple[str, str], list[_Claim]] = {}
    for c in claims:
        if c.status_code != "22" and not c.excluded:
            originals.setdefault((_payer_key(c.payment), c.claim_id), []).append(c)
    used: set[int] = set()
    reversals = sorted(
        (c for c in claims if c.status_code == "22"),
        key=lambda c: (
            c.payment.payment_date or date.max,
            c.payment.trace or "",
            c.claim_id,
            c.control_number or "",
            Path(c.payment.file).name,
            c.seg,
        ),
    )
    for rev in reversals:
        found: _Claim | None = None
        if not rev.excluded and rev.charge is not None and rev.paid is not None:
            candidates = [
                c
                for c in originals.get((_payer_key(rev.payment), rev.claim_id), [])
                if id(c) not in used
                and not c.excluded
                and c.charge == -rev.charge
                and c.paid == -rev.paid
            ]
            rev_date = rev.payment.payment_date

            def rank(c: _Claim, rev: _Claim = rev, rev_date: date | None = rev_date) -> tuple:
                same_tx = c.payment is rev.payment
                cdate = c.payment.payment_date
                after = rev_date is not None and cdate is not None and cdate > rev_date
                return (
                    not (c.control_number and c.control_number == rev.control_number),
                    same_tx,
                    after,
                    -(cdate.toordinal() if cdate else 0),
                    c.payment.trace or "",
                    Path(c.payment.file).name,
                    c.seg,
                )

            if candidates:
                found = min(candidates, key=rank)
            else:
                notes.append(
                    _problem(
                        rev.payment.file,
                        rev.seg,
                        "CLP01",
                        rev.claim_id,
                        "reversal (CLP02 = 22) whose original payment is not in the files read "
                        f"(no claim {rev.claim_id} of this payer with charge {-rev.charge} and "
                        f"payment {-rev.paid}); nothing cancelled",
                        "the remittance with the original payment among the files read",
                        rev.claim_id,
                        KEPT,
                    )
                )
        rows.append(
            {
                C.CLAIM_ID: rev.claim_id,
                C.PLAN_ID: rev.payment.payer_name or rev.payment.payer_id,
                C.PAYER_CLAIM_CONTROL_NUMBER: rev.control_number,
                C.CLAIM_BILLED_AMOUNT: _float(rev.charge),
                C.CLAIM_PAID_AMOUNT: _float(rev.paid),
                C.PAYMENT_DATE: rev.payment.payment_date,
                C.SOURCE_FILE: rev.payment.file,
                C.SEGMENT_NUMBER: rev.seg,
                C.MATCHED: found is not None,
                C.ORIGINAL_SOURCE_FILE: found.payment.file if found else None,
                C.ORIGINAL_SEGMENT_NUMBER: found.seg if found else None,
            }
        )
        if found is not None:
            used.add(id(found))
            found.excluded = True
        rev.excluded = True
    by_claim = sorted(zip(reversals, rows, strict=True), key=lambda pair: pair[0].order)
    return [row for _, row in by_claim], notes


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _claim_type(claim: _Claim) -> str:
    if claim.inpatient_evidence or claim.filing_indicator == "MA":
        return "institutional"
    # A revenue code as the billed code (SVC01 qualifier NU) marks an institutional claim.
    # SVC04 alone does not: payers fill it on professional claims too (secondary-payment sample).
    if any(ln.qualifier == "NU" for ln in claim.lines):
        return "institutional"
    return "professional"


def _denial_pick(adjs: list[_Adj], denial_codes: frozenset[str]) -> _Adj | None:
    if not adjs:
        return None
    ranked = sorted(
        enumerate(adjs),
        key=lambda ia: (
            ia[1].carc not in denial_codes,
            ia[1].group == "PR",
            -(ia[1].amount or _ZERO),
            ia[0],
        ),
    )
    return ranked[0][1]


def _line_status(
    paid: Decimal | None,
    charge: Decimal | None,
    candidates: list[_Adj],
    denied_claim: bool,
    codes: _Codes,
) -> tuple[bool, _Adj | None, str | None]:
    """Whether a line (or a claim without lines) is denied, the reason picked, and a note.

    A claim with status 4 is denied. A line paid $0 on a positive charge is denied when one of
    its adjustments is a denial code; when a non-patient adjustment carries a code the CARC
    table lacks, it is denied with an ``unknown`` reason category and a note. A $0 line whose
    allowed amount went to the patient (a PR deductible) is not denied; one whose known,
    non-denial adjustments (a contractual write-off, another payer's payment) leave the patient
    nothing to pay is counted as not denied, with a note. A $0 line is never silently "paid".
    """
    if denied_claim:
        return True, _denial_pick(candidates, codes.denial), None
    zero_paid = paid == _ZERO and (charge or _ZERO) > _ZERO
    if not zero_paid:
        return False, None, None
    if any(a.carc in codes.denial for a in candidates):
        return True, _denial_pick(candidates, codes.denial), None
    other = [a for a in candidates if a.group != "PR"]
    unknown = [a for a in other if a.carc not in codes.known]
    owed = any(a.group == "PR" and (a.amount or _ZERO) > _ZERO for a in candidates)
    if unknown:
        pick = max(unknown, key=lambda a: a.amount or _ZERO)
        return (
            True,
            pick,
            f"paid $0 with {pick.group}-{pick.carc}, a code the CARC table "
            f"({codes.version}) lacks; counted as denied, reason category unknown",
        )
    if other and not owed:  # $0 paid and nothing owed by the patient: say why it is not denied
        shown = ", ".join(sorted({f"{a.group}-{a.carc}" for a in other}))
        return (
            False,
            None,
            f"paid $0 with {shown}, which the CARC table ({codes.version}) does not count as "
            "denials; counted as not denied",
        )
    return False, None, None


def _claim_rows(
    claim: _Claim, codes: _Codes, allowed: AllowedPolicy
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    pay = claim.payment
    ctype = _claim_type(claim)
    base = {
        C.CLAIM_ID: claim.claim_id,
        C.PLAN_ID: pay.payer_name or pay.payer_id,
        C.MEMBER_ID: claim.member_id,
        C.DIAGNOSIS_CODE: None,
        C.PLACE_OF_SERVICE: claim.facility_code if ctype == "professional" else None,
        C.BILL_TYPE: (
            claim.facility_code + claim.frequency
            if ctype == "institutional" and claim.facility_code and claim.frequency
            else None
        ),
        C.CLAIM_TYPE: ctype,
        C.NETWORK_STATUS: None,
        C.PRIOR_AUTH: None,
        C.DECISION_DAYS: None,
        C.CLAIM_STATUS_CODE: claim.status_code,
        C.CLAIM_FILING_INDICATOR: claim.filing_indicator,
        C.FACILITY_CODE: claim.facility_code,
        C.PAYER_ID: pay.payer_id,
        C.PAYER_CLAIM_CONTROL_NUMBER: claim.control_number,
        C.CLAIM_KEY: _claim_key(claim),
        C.CLAIM_BILLED_AMOUNT: _float(claim.charge),
        C.CLAIM_PAID_AMOUNT: _float(claim.paid),
        C.PATIENT_RESPONSIBILITY_AMOUNT: _float(claim.patient_resp),
        C.CLAIM_RECEIVED_DATE: claim.received,
        C.PAYMENT_DATE: pay.payment_date,
        C.PAYMENT_NUMBER: pay.trace,
        C.PAYMENT_METHOD: pay.method,
        C.SOURCE_FILE: pay.file,
        C.SEGMENT_NUMBER: claim.seg,
    }
    claim_date = claim.statement_start or claim.statement_end
    denied_claim = claim.status_code == "4"
    rows = []
    notes = []
    units: list[tuple[int, _Line | None]] = (
        list(enumerate(claim.lines, start=1)) if claim.lines else [(1, None)]
    )
    for number, ln in units:
        if ln is None:
            charge, paid, own = claim.charge, claim.paid, claim.cas
            candidates = claim.cas
            reported_allowed = None
            seg = claim.seg
        else:
            charge, paid, own = ln.charge, ln.paid, ln.cas
            # a line without adjustments of its own takes the claim-level ones (CAS before SVC)
            own_other = [a for a in ln.cas if a.group != "PR"]
            candidates = ln.cas + (claim.cas if denied_claim or not own_other else [])
            reported_allowed = ln.allowed
            seg = ln.seg
        denied, pick, note = _line_status(paid, charge, candidates, denied_claim, codes)
        if note:
            notes.append(
                _problem(
                    pay.file, seg, "SVC03" if ln else "CLP04", "0", note, "", claim.claim_id, KEPT
                )
            )
        allowed_value = reported_allowed
        if allowed_value is None and allowed == "derived" and paid is not None and not denied:
            allowed_value = paid + sum((a.amount or _ZERO for a in own if a.group == "PR"), _ZERO)
        row = dict(base)
        row.update(
            {
                C.LINE_NUMBER: number,
                C.SERVICE_DATE: (ln.date_472 or ln.date_150 if ln else None) or claim_date,
                C.PROCEDURE_CODE: ln.code if ln and ln.qualifier != "NU" else None,
                C.REVENUE_CODE: (
                    (ln.code if ln.qualifier == "NU" else ln.revenue_code) if ln else None
                ),
                C.STATUS: "denied" if denied else "paid",
                C.DENIAL_REASON: pick.carc if pick else None,
                C.DENIAL_GROUP_CODE: pick.group if pick else None,
                C.BILLED_AMOUNT: _float(charge),
                C.ALLOWED_AMOUNT: _float(allowed_value),
                C.PAID_AMOUNT: _float(paid),
                C.PROCEDURE_QUALIFIER: ln.qualifier if ln else None,
                C.PROCEDURE_MODIFIERS: ",".join(ln.modifiers) if ln and ln.modifiers else None,
                C.UNITS: _float(ln.units) if ln else None,
                C.ADJUDICATION_LEVEL: "line" if ln else "claim",
                C.REMARK_CODES: ",".join(ln.remarks) if ln and ln.remarks else None,
                C.LINE_CONTROL_NUMBER: ln.control_number if ln else None,
            }
        )
        rows.append(row)
    return rows, notes


def _adjustment_rows(claim: _Claim) -> list[dict[str, object]]:
    pay = claim.payment
    rows = []
    levels: list[tuple[int | None, list[_Adj]]] = [(None, claim.cas)]
    levels += [(i, ln.cas) for i, ln in enumerate(claim.lines, start=1)]
    for number, adjs in levels:
        for a in adjs:
            rows.append(
                {
                    C.CLAIM_ID: claim.claim_id,
                    C.LINE_NUMBER: number,
                    C.PLAN_ID: pay.payer_name or pay.payer_id,
                    C.PAYER_CLAIM_CONTROL_NUMBER: claim.control_number,
                    C.GROUP_CODE: a.group,
                    C.CARC: a.carc,
                    C.ADJUSTMENT_AMOUNT: _float(a.amount),
                    C.ADJUSTMENT_QUANTITY: _float(a.quantity),
                    C.SOURCE_FILE: pay.file,
                    C.SEGMENT_NUMBER: a.seg,
                }
            )
    return rows


def _transaction_notes(
    transactions: list[tuple[_Payment, int, list[_Claim], list[_Plb]]],
) -> list[dict[str, object]]:
    """BPR02 must equal the sum of CLP04 minus the sum of PLB amounts in each transaction set."""
    out = []
    for pay, _se, tx_claims, tx_plbs in transactions:
        paid = _sum(c.paid for c in tx_claims if c.paid is not None)
        unread = sum(c.paid is None for c in tx_claims)
        plb = _sum(p.amount for p in tx_plbs)
        if pay.total is None or paid is None or plb is None:
            continue
        if pay.total != paid - plb:
            left_out = f" ({unread} claim(s) without a readable payment left out)" if unread else ""
            out.append(
                _problem(
                    pay.file,
                    pay.st_seg,
                    "BPR02",
                    f"BPR02 {pay.total}; claims paid {paid}{left_out}; provider adjustments {plb}",
                    "total payment does not equal claim payments minus provider adjustments",
                    "BPR02 = sum of CLP04 - sum of PLB amounts",
                    None,
                    "kept",
                )
            )
    return out


# --------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------
def read_835(
    paths: str | PathLike[str] | Iterable[str | PathLike[str]],
    *,
    denial_codes: Collection[str] | None = None,
    allowed: AllowedPolicy = "reported",
) -> Remittances:
    """Read X12 835 remittance files into claim lines and adjustments.

    Parameters
    ----------
    paths : path or iterable of paths
        Files, or folders whose files are all looked at (sorted by name): every file that starts
        with an ISA header is read, whatever its extension; the others are listed as skipped.
        Files are read in the order given.
    denial_codes : collection of str, optional
        CARC codes that make a service line paid 0 count as denied. By default the codes whose
        ``counts_as_denial`` flag is set in the bundled CARC table.
    allowed : {"reported", "derived"}
        ``"reported"`` fills ``allowed_amount`` only from AMT*B6; ``"derived"`` also fills it
        for lines that were not denied as paid + patient-responsibility (PR) adjustments.

    Returns
    -------
    Remittances
        ``claims`` (claim lines), ``adjustments`` (CAS rows), ``problems`` (claims excluded,
        notes and files skipped), ``reversals``, ``provider_adjustments`` and ``skipped``.

    Raises
    ------
    InputFileError
        No file could be read: the only file is missing, empty, not X12 or not an 835, or a
        folder holds no X12 file.
    DataValidationError
        The only file given is damaged (wrong separators, truncated, a segment out of place);
        the message and ``.problems`` name the file and segment. With several files, a damaged
        one is skipped and listed in ``skipped`` and ``problems`` instead.
    ConfigurationError
        No paths, or the same file given twice.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from paritykit.synth.remittances import example_835_text
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "example.835"
    >>> _ = p.write_text(example_835_text())
    >>> remits = read_835(p)
    >>> remits.claims[["claim_id", "procedure_code", "status", "denial_reason"]]
      claim_id procedure_code  status denial_reason
    0    C0001          90837    paid           NaN
    1    C0002          90837  denied            50
    """
    files, unread = _resolve_paths(paths)
    codes = _default_codes()
    if denial_codes is not None:
        user = frozenset(str(c).strip().upper() for c in denial_codes)
        codes = _Codes(denial=user, known=codes.known | user, version="user")
    if allowed not in ("reported", "derived"):
        raise ConfigurationError(f"allowed must be 'reported' or 'derived'; got {allowed!r}.")
    problems: list[dict[str, object]] = []
    skipped: list[dict[str, object]] = []
    failures: list[Exception] = []
    read: list[Path] = []
    all_claims: list[_Claim] = []
    all_plbs: list[_Plb] = []
    transactions: list[tuple[_Payment, int, list[_Claim], list[_Plb]]] = []
    for path, reason in unread:
        skipped.append(_skip_row(path, None, None, reason))
        problems.append(_problem(str(path), None, "", "", reason, "an X12 835 file", None, SKIPPED))
    for path in files:
        try:
            text = _read_text(path)
            result = _parse_file(path, text, len(all_claims))
        except _NotRemittanceError as exc:
            kinds = ",".join(sorted({t for t, _ in exc.types}))
            skipped.append(_skip_row(path, kinds, exc.types[0][1], str(exc)))
            problems.append(
                _problem(str(path), exc.types[0][1], "ST01", kinds, str(exc), "835", None, SKIPPED)
            )
            failures.append(InputFileError(f"{path}: {exc}"))
            continue
        except (DataValidationError, InputFileError) as exc:
            failures.append(exc)
            frame = getattr(exc, "problems", None)
            if frame is not None and len(frame):
                first = frame.iloc[0]
                seg = first["row"]
                text_reason = f"{first['problem']} (found {first['value']!r})"
                problems.append(
                    _problem(
                        str(path),
                        seg,
                        str(first["column"]),
                        first["value"],
                        str(first["problem"]),
                        str(first["expected"]),
                        None,
                        SKIPPED,
                    )
                )
            else:
                seg = None
                text_reason = str(exc).removeprefix(f"{path}: ")
                problems.append(_problem(str(path), None, "", "", text_reason, "", None, SKIPPED))
            skipped.append(_skip_row(path, None, seg, text_reason))
            continue
        read.append(path)
        all_claims += result.claims
        all_plbs += result.plbs
        transactions += result.transactions
        problems += result.rows
    if not read:
        if len(failures) == 1 and not unread:
            raise failures[0]
        reasons = "; ".join(f"{r[C.SOURCE_FILE]}: {r[C.EXCLUSION_REASON]}" for r in skipped[:5])
        raise InputFileError(
            f"none of the {len(skipped)} file(s) could be read as an 835 remittance ({reasons}"
            f"{'; ...' if len(skipped) > 5 else ''}). Pass X12 835 files as received from the "
            "payer or clearinghouse."
        )
    for claim in all_claims:
        if claim.excluded:
            continue
        found = _balance_problems(claim)
        if any(f[C.ACTION] == EXCLUDED for f in found):
            claim.excluded = True
        problems += found
    n_excluded = sum(c.excluded for c in all_claims)
    duplicates = _duplicate_problems(all_claims)
    problems += duplicates
    reversal_rows, reversal_notes = _match_reversals(all_claims)
    problems += reversal_notes
    problems += _transaction_notes(transactions)

    claim_rows: list[dict[str, object]] = []
    adj_rows: list[dict[str, object]] = []
    for claim in all_claims:
        if claim.excluded:
            continue
        rows, notes = _claim_rows(claim, codes, allowed)
        claim_rows += rows
        problems += notes
        adj_rows += _adjustment_rows(claim)
    plb_rows = [
        {
            C.PLAN_ID: p.payment.payer_name or p.payment.payer_id,
            C.PROVIDER_ID: p.provider_id,
            C.FISCAL_PERIOD_DATE: p.fiscal_date,
            C.ADJUSTMENT_REASON: p.reason,
            C.REFERENCE_ID: p.reference,
            C.ADJUSTMENT_AMOUNT: _float(p.amount),
            C.PAYMENT_NUMBER: p.payment.trace,
            C.SOURCE_FILE: p.payment.file,
            C.SEGMENT_NUMBER: p.seg,
        }
        for p in all_plbs
    ]
    return Remittances(
        claims=_frame(claim_rows, REMITTANCE_CLAIM_COLUMNS),
        adjustments=_frame(adj_rows, ADJUSTMENT_COLUMNS),
        problems=_frame(problems, REMITTANCE_PROBLEM_COLUMNS),
        reversals=_frame(reversal_rows, REVERSAL_COLUMNS),
        provider_adjustments=_frame(plb_rows, PROVIDER_ADJUSTMENT_COLUMNS),
        files=tuple(str(f) for f in read),
        carc_table_version=codes.version,
        allowed=allowed,
        skipped=_frame(skipped, SKIPPED_FILE_COLUMNS),
        claims_excluded=n_excluded,
        duplicates=len(duplicates),
    )


def _skip_row(path: Path, kind: str | None, seg: object, reason: str) -> dict[str, object]:
    return {
        C.SOURCE_FILE: str(path),
        C.TRANSACTION_SET: kind,
        C.SEGMENT_NUMBER: seg,
        C.EXCLUSION_REASON: reason,
    }


_DATE_COLUMNS: Final = frozenset(
    {C.SERVICE_DATE, C.CLAIM_RECEIVED_DATE, C.PAYMENT_DATE, C.FISCAL_PERIOD_DATE}
)
_INT_COLUMNS: Final = frozenset({C.LINE_NUMBER, C.SEGMENT_NUMBER, C.ORIGINAL_SEGMENT_NUMBER, "row"})
_FLOAT_COLUMNS: Final = frozenset(
    {
        C.BILLED_AMOUNT,
        C.ALLOWED_AMOUNT,
        C.PAID_AMOUNT,
        C.DECISION_DAYS,
        C.UNITS,
        C.CLAIM_BILLED_AMOUNT,
        C.CLAIM_PAID_AMOUNT,
        C.PATIENT_RESPONSIBILITY_AMOUNT,
        C.ADJUSTMENT_AMOUNT,
        C.ADJUSTMENT_QUANTITY,
    }
)


def _frame(rows: list[dict[str, object]], columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    for name in columns:
        if name in _DATE_COLUMNS:
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[ns]")
        elif name in _INT_COLUMNS:
            frame[name] = frame[name].astype("Int64")
        elif name in _FLOAT_COLUMNS:
            frame[name] = frame[name].astype("float64")
        elif name == C.MATCHED:
            frame[name] = frame[name].astype(bool)
        else:
            frame[name] = frame[name].astype("str")
    return frame


def _resolve_paths(
    paths: str | PathLike[str] | Iterable[str | PathLike[str]],
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files to read, and the files of folders that are not X12 (with the reason).

    In a folder every file is looked at: those that start with an ISA header are read, the
    others are listed, never silently passed over. Files named one by one are always read.
    """
    items = [paths] if isinstance(paths, str | PathLike) else list(paths)
    if not items:
        raise ConfigurationError(MSG_NO_PATHS)
    files: list[Path] = []
    unread: list[tuple[Path, str]] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            entries = sorted(p.iterdir())
            found = []
            for f in entries:
                if f.is_dir():
                    unread.append((f, "a folder inside the folder; not read (pass it as well)"))
                elif _looks_like_x12(f):
                    found.append(f)
                else:
                    unread.append((f, "not an X12 file (it does not start with ISA)"))
            if not found:
                raise InputFileError(
                    f"{p}: folder holds no X12 file ({len(entries)} entries looked at; an 835 "
                    "starts with 'ISA'). Point to the folder holding the remittances."
                )
            files += found
        elif p.is_file():
            files.append(p)
        else:
            raise InputFileError(f"{p}: no such file or folder. Check the path.")
    seen: set[Path] = set()
    for f in files:
        key = f.resolve()
        if key in seen:
            raise ConfigurationError(
                f"{f} is given twice; each remittance file must be read once, or its payments "
                "would be counted twice."
            )
        seen.add(key)
    return files, unread


def _looks_like_x12(path: Path) -> bool:
    """Whether a file starts with an ISA header (after a byte-order mark and blanks)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return True  # let the reader report why it cannot be read
    text = _decode(head, partial=True)
    return text.lstrip(_BETWEEN).startswith("ISA")


def _decode(data: bytes, *, partial: bool = False) -> str:
    """Decode by byte-order mark (UTF-8, UTF-16), else UTF-8, else Latin-1."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if partial:
            data = data[: len(data) - len(data) % 2]
        return data.decode("utf-16", errors="replace" if partial else "strict")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if partial:
            return data.decode("utf-8-sig", errors="replace")
        return data.decode("latin-1")


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the file ({exc}).") from exc
    if not data.strip():
        raise InputFileError(f"{path}: the file is empty; expected an X12 835 starting with ISA.")
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{path}: the file has a UTF-16 byte-order mark but is not valid UTF-16 ({exc}). "
            "Re-export it as plain text."
        ) from exc
    start = text.lstrip(_BETWEEN)
    if start.startswith("ST") and len(start) > 3 and not start[2].isalnum():
        raise InputFileError(
            f"{path}: an X12 transaction set (it starts with {start[:20]!r}) without its ISA/GS "
            "envelope, which declares the separators; paritykit reads complete interchanges. "
            "Get the complete file (starting with ISA) from the payer or clearinghouse."
        )
    if not start.startswith("ISA"):
        raise InputFileError(
            f"{path}: not an X12 file (it starts with {text[:20]!r}; expected 'ISA'). "
            "Pass 835 remittance files as received from the payer or clearinghouse."
        )
    return text


@dataclass(frozen=True)
class _Codes:
    """CARC codes that count as denials, every code the table knows, and its version."""

    denial: frozenset[str]
    known: frozenset[str]
    version: str


@lru_cache(maxsize=1)
def _default_codes() -> _Codes:
    """Denial codes, known codes and version of the bundled CARC table.

    Read here because load never imports the later classify stage.
    """
    text = (resources.files("paritykit") / "data" / "carc_categories.csv").read_text("utf-8")
    version = "unknown"
    for line in text.splitlines():
        if line.startswith("#") and "version=" in line:
            version = line.split("version=", 1)[1].strip().split()[0]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    rows = list(csv.DictReader(io.StringIO(body)))
    known = frozenset(row["carc"].strip().upper() for row in rows)
    denial = frozenset(
        row["carc"].strip().upper()
        for row in rows
        if row["counts_as_denial"].strip().lower() == "yes"
    )
    return _Codes(denial=denial, known=known, version=version)

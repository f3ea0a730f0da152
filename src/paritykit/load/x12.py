"""Read X12 835 (electronic remittance advice) files into claim lines and adjustments.

A small strict parser written for paritykit (``docs/remittances.md`` says why no library was
used). It reads the separators each interchange declares in its ISA header, any number of
interchanges (ISA/IEA), functional groups (GS/GE) and transaction sets (ST/SE) per file, with or
without line breaks, and checks every envelope count. Each claim (CLP) is checked to balance:
charge - paid = sum of its CAS adjustments, and the same for each service line (SVC). A claim
that does not balance is excluded from the claim lines and listed in ``problems``; a reversal
(CLP02 = 22) cancels the payment it reverses, so nothing is counted twice.
"""

from __future__ import annotations

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
    "X12_PARSER_VERSION",
    "Remittances",
    "read_835",
]

#: Version of the reading rules (status, claim type, service date, denial reason, reversals).
X12_PARSER_VERSION: Final = "1.0"

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

AllowedPolicy = Literal["reported", "derived"]

_FILE_SUFFIXES: Final = (".835", ".era", ".edi", ".x12", ".txt")
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
        balanced claims that no reversal cancelled.
    adjustments : pandas.DataFrame
        One row per CAS adjustment of the claims in ``claims`` (:data:`ADJUSTMENT_COLUMNS`);
        ``line_number`` is missing for claim-level adjustments.
    problems : pandas.DataFrame
        Everything the reader noticed (:data:`REMITTANCE_PROBLEM_COLUMNS`); ``action`` says
        whether the claim was ``excluded`` or ``kept``.
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

    def to_frame(self) -> pd.DataFrame:
        """The claim lines (a copy of :attr:`claims`)."""
        return self.claims.copy()

    def summary(self) -> str:
        """A short text account of what was read and what was set aside."""
        claims = self.claims
        n_claims = claims[C.CLAIM_ID].nunique() if len(claims) else 0
        denied = int((claims[C.STATUS] == "denied").sum()) if len(claims) else 0
        excluded = self.problems[self.problems[C.ACTION] == "excluded"]
        kept = self.problems[self.problems[C.ACTION] == "kept"]
        matched = int(self.reversals[C.MATCHED].sum()) if len(self.reversals) else 0
        lines = [
            f"835 remittances: {len(self.files)} file(s), parser {self.parser_version}, "
            f"CARC table {self.carc_table_version}",
            f"  claim lines: {len(claims)} in {n_claims} claims; denied lines: {denied}",
            f"  adjustments: {len(self.adjustments)}; provider adjustments (PLB): "
            f"{len(self.provider_adjustments)}",
            f"  reversals: {len(self.reversals)} ({matched} matched to the payment they cancel)",
            f"  claims excluded: {excluded[C.CLAIM_ID].nunique()}; notes on kept data: {len(kept)}",
        ]
        for _, row in excluded.head(10).iterrows():
            lines.append(f"    {row['file']} segment {row['row']}: {row['problem']}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        text = html.escape(self.summary()).replace("\n", "<br>")
        return f"<p>{text}</p>" + self.claims.head(20).to_html(index=False)


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
    """Value problems (raised together at the end) and notes about the data (kept)."""

    errors: list[dict[str, object]] = field(default_factory=list)
    notes: list[dict[str, object]] = field(default_factory=list)

    def error(self, file: str, seg: int, column: str, value: object, problem: str, expected: str):
        self.errors.append(_problem(file, seg, column, value, problem, expected, None, "raised"))

    def note(self, row: dict[str, object]) -> None:
        self.notes.append(row)


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


def _segments(text: str, file: str) -> Iterator[_Seg]:
    """Yield the segments of ``text``, one interchange at a time, each with its own separators."""
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
            while pos < length and text[pos] in "\r\n" and text[pos] != terminator:
                pos += 1
            end = text.find(terminator, pos)
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
            parts = raw.split(element)
            seg_id = parts[0].strip("\r\n")
            parts[0] = seg_id
            if not _SEGMENT_ID.match(seg_id):
                raise _structure_error(
                    file,
                    number,
                    "segment",
                    raw[:40],
                    "not a segment identifier; the separators declared in ISA "
                    f"(element {element!r}, segment {terminator!r}) do not fit the content",
                    "2-3 upper-case letters or digits",
                    "The file's separators are wrong or it is damaged.",
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
    gs_count: int = 0
    gs_control: str | None = None
    st_count: int = 0
    st_control: str | None = None
    st_start: int = 0
    in_isa: bool = False
    in_gs: bool = False
    in_st: bool = False


def _parse_file(
    path: Path,
    text: str,
    order_start: int,
    col: _Collector,
) -> tuple[list[_Claim], list[_Plb], list[tuple[_Payment, int, list[_Claim], list[_Plb]]]]:
    file = str(path)
    env = _Envelope()
    claims: list[_Claim] = []
    plbs: list[_Plb] = []
    transactions: list[tuple[_Payment, int, list[_Claim], list[_Plb]]] = []
    payment = _Payment(file=file)  # replaced at each ST
    claim: _Claim | None = None
    line: _Line | None = None
    entity: str | None = None
    tx_claims: list[_Claim] = []
    tx_plbs: list[_Plb] = []
    order = order_start
    last_seg = 0

    def fail(seg: _Seg, problem: str, expected: str, todo: str) -> DataValidationError:
        return _structure_error(file, seg.number, seg.id, seg.text(), problem, expected, todo)

    for seg in _segments(text, file):
        last_seg = seg.number
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
            env = _Envelope(isa_control=seg.get(13), in_isa=True)
            continue
        if not env.in_isa:  # pragma: no cover - the tokenizer guarantees an ISA first
            raise fail(seg, "segment outside an interchange", "ISA first", "")
        if sid == "IEA":
            if env.in_gs:
                raise fail(
                    seg,
                    "IEA arrives before GE closed the functional group",
                    "GE then IEA",
                    "The file is truncated or damaged.",
                )
            if seg.get(1) != str(env.gs_count) or seg.get(2) != env.isa_control:
                raise fail(
                    seg,
                    "IEA does not match its interchange "
                    f"({env.gs_count} group(s), control number {env.isa_control})",
                    f"IEA*{env.gs_count}*{env.isa_control}",
                    "Segments are missing or the file was edited by hand.",
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
            env.st_count = 0
            continue
        if sid == "GE":
            if env.in_st or not env.in_gs:
                raise fail(
                    seg,
                    "GE arrives outside a functional group or before SE",
                    "ST ... SE then GE",
                    "The file is truncated or damaged.",
                )
            if seg.get(1) != str(env.st_count) or seg.get(2) != env.gs_control:
                raise fail(
                    seg,
                    f"GE does not match its group ({env.st_count} transaction set(s), "
                    f"control number {env.gs_control})",
                    f"GE*{env.st_count}*{env.gs_control}",
                    "Segments are missing or the file was edited by hand.",
                )
            env.in_gs = False
            continue
        if sid == "ST":
            if not env.in_gs or env.in_st:
                raise fail(
                    seg,
                    "ST arrives outside a functional group or before SE",
                    "GS then ST",
                    "The file is damaged.",
                )
            if seg.get(1) != "835":
                raise InputFileError(
                    f"{file}, segment {seg.number}: transaction set {seg.get(1)!r} is not an 835 "
                    "remittance. Pass only X12 835 files to read_835."
                )
            env.in_st = True
            env.st_count += 1
            env.st_control = seg.get(2)
            env.st_start = seg.number
            payment = _Payment(file=file, st_seg=seg.number)
            claim = line = None
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
            if seg.get(1) != str(count) or seg.get(2) != env.st_control:
                raise fail(
                    seg,
                    f"SE does not match its transaction set ({count} segments, control number "
                    f"{env.st_control})",
                    f"SE*{count}*{env.st_control}",
                    "Segments are missing (a truncated file) or the file was edited by hand.",
                )
            env.in_st = False
            transactions.append((payment, seg.number, tx_claims, tx_plbs))
            claim = line = None
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
            claim = line = None
        elif sid == "CLP":
            if payment.payer_name is None and payment.payer_id is None:
                raise fail(
                    seg,
                    "claim before the payer is named",
                    "an N1*PR segment first",
                    "The file lacks its payer loop (1000A).",
                )
            claim_id = seg.get(1)
            status = seg.get(2)
            if claim_id is None:
                col.error(file, seg.number, "CLP01", "", "missing claim id", "the claim id")
                claim_id = ""
            if status not in _CLAIM_STATUS_CODES:
                col.error(
                    file,
                    seg.number,
                    "CLP02",
                    status,
                    "unknown claim status code",
                    ", ".join(sorted(_CLAIM_STATUS_CODES, key=int)),
                )
            claim = _Claim(
                order=order,
                seg=seg.number,
                payment=payment,
                claim_id=claim_id,
                status_code=status or "",
                charge=_amount(seg, 3, file, col, required=True),
                paid=_amount(seg, 4, file, col, required=True),
                patient_resp=_amount(seg, 5, file, col, required=False),
                filing_indicator=seg.get(6),
                control_number=seg.get(7),
                facility_code=seg.get(8),
                frequency=seg.get(9),
            )
            order += 1
            line = None
            claims.append(claim)
            tx_claims.append(claim)
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
            claim = line = None
            plbs_here = _plb(seg, payment, file, col)
            plbs.extend(plbs_here)
            tx_plbs.extend(plbs_here)
    if env.in_isa or env.in_st:  # pragma: no cover - the tokenizer raises first
        raise _structure_error(file, last_seg, "IEA", "end of file", "truncated", "IEA", "")
    return claims, plbs, transactions


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
    file = claim.payment.file
    out = []
    adjs = claim.cas + [a for ln in claim.lines for a in ln.cas]
    total = _sum(a.amount for a in adjs)
    if claim.charge is not None and claim.paid is not None and total is not None:
        diff = claim.charge - claim.paid
        if diff != total:
            out.append(
                _problem(
                    file,
                    claim.seg,
                    "CLP03-CLP04-CAS",
                    f"{claim.charge} - {claim.paid} = {diff}; adjustments sum to {total}",
                    "claim does not balance",
                    "charge - paid = sum of the claim's CAS adjustment amounts",
                    claim.claim_id,
                    "excluded",
                )
            )
    for ln in claim.lines:
        total = _sum(a.amount for a in ln.cas)
        if ln.charge is None or ln.paid is None or total is None:
            continue
        diff = ln.charge - ln.paid
        if diff != total:
            out.append(
                _problem(
                    file,
                    ln.seg,
                    "SVC02-SVC03-CAS",
                    f"{ln.charge} - {ln.paid} = {diff}; adjustments sum to {total}",
                    "service line does not balance",
                    "line charge - line paid = sum of the line's CAS adjustment amounts",
                    claim.claim_id,
                    "excluded",
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
                "excluded",
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
                "excluded",
            )
        )
    return out


def _match_reversals(claims: list[_Claim]) -> list[dict[str, object]]:
    """Cancel each reversal (CLP02 = 22) against the original payment of the same claim."""
    rows: list[dict[str, object]] = []
    originals: dict[tuple[object, ...], list[_Claim]] = {}
    for c in claims:
        if c.status_code != "22" and not c.excluded:
            originals.setdefault(_reversal_key(c), []).append(c)
    for rev in (c for c in claims if c.status_code == "22"):
        found: _Claim | None = None
        if not rev.excluded:
            candidates = [c for c in originals.get(_reversal_key(rev), []) if not c.excluded]
            earlier = [c for c in candidates if c.order < rev.order]
            later = [c for c in candidates if c.order > rev.order]
            found = earlier[-1] if earlier else (later[0] if later else None)
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
            found.excluded = True
        rev.excluded = True
    return rows


def _reversal_key(c: _Claim) -> tuple[object, ...]:
    return (c.payment.payer_name, c.payment.payer_id, c.claim_id, c.control_number)


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


def _claim_rows(
    claim: _Claim, denial_codes: frozenset[str], allowed: AllowedPolicy
) -> list[dict[str, object]]:
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
    units: list[tuple[int, _Line | None]] = (
        list(enumerate(claim.lines, start=1)) if claim.lines else [(1, None)]
    )
    for number, ln in units:
        if ln is None:
            charge, paid, own, candidates = claim.charge, claim.paid, claim.cas, claim.cas
            reported_allowed = None
        else:
            charge, paid, own = ln.charge, ln.paid, ln.cas
            candidates = ln.cas + (claim.cas if denied_claim else [])
            reported_allowed = ln.allowed
        zero_paid = paid == _ZERO and (charge or _ZERO) > _ZERO
        denied = denied_claim or (zero_paid and any(a.carc in denial_codes for a in own))
        pick = _denial_pick(candidates, denial_codes) if denied else None
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
    return rows


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
        paid = _sum(c.paid for c in tx_claims)
        plb = _sum(p.amount for p in tx_plbs)
        if pay.total is None or paid is None or plb is None:
            continue
        if pay.total != paid - plb:
            out.append(
                _problem(
                    pay.file,
                    pay.st_seg,
                    "BPR02",
                    f"BPR02 {pay.total}; claims paid {paid}; provider adjustments {plb}",
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
        Files, or folders whose ``.835``, ``.era``, ``.edi``, ``.x12`` and ``.txt`` files are
        read (sorted by name). Files are read in the order given.
    denial_codes : collection of str, optional
        CARC codes that make a service line paid 0 count as denied. By default the codes whose
        ``counts_as_denial`` flag is set in the bundled CARC table.
    allowed : {"reported", "derived"}
        ``"reported"`` fills ``allowed_amount`` only from AMT*B6; ``"derived"`` also fills it
        for lines that were not denied as paid + patient-responsibility (PR) adjustments.

    Returns
    -------
    Remittances
        ``claims`` (claim lines), ``adjustments`` (CAS rows), ``problems`` (unbalanced claims
        and other findings), ``reversals`` and ``provider_adjustments``.

    Raises
    ------
    InputFileError
        A file is missing, empty, unreadable or not an 835.
    DataValidationError
        A file is malformed: wrong separators, truncated, a segment out of place (such as a
        service line without its claim header), envelope counts that do not match, or values
        that are not numbers, dates or known codes. The message and ``.problems`` name the file
        and segment number.
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
    files = _resolve_paths(paths)
    if denial_codes is None:
        codes, version = _default_denial_codes()
    else:
        codes, version = frozenset(str(c).strip().upper() for c in denial_codes), "user"
    if allowed not in ("reported", "derived"):
        raise ConfigurationError(f"allowed must be 'reported' or 'derived'; got {allowed!r}.")
    col = _Collector()
    all_claims: list[_Claim] = []
    all_plbs: list[_Plb] = []
    transactions: list[tuple[_Payment, int, list[_Claim], list[_Plb]]] = []
    for path in files:
        text = _read_text(path)
        claims, plbs, txs = _parse_file(path, text, len(all_claims), col)
        all_claims += claims
        all_plbs += plbs
        transactions += txs
    if col.errors:
        frame = pd.DataFrame(col.errors, columns=list(REMITTANCE_PROBLEM_COLUMNS))
        first = col.errors[0]
        raise DataValidationError(
            f"{len(col.errors)} value problem(s) in the 835 file(s); first: {first['file']}, "
            f"segment {first['row']}, {first['column']} = {first['value']!r}: "
            f"{first['problem']} (expected {first['expected']}). See .problems for all.",
            frame,
        )
    problems = list(col.notes)
    for claim in all_claims:
        found = _balance_problems(claim)
        if found:
            claim.excluded = True
            problems += found
    reversal_rows = _match_reversals(all_claims)
    problems += _transaction_notes(transactions)

    claim_rows: list[dict[str, object]] = []
    adj_rows: list[dict[str, object]] = []
    for claim in all_claims:
        if claim.excluded:
            continue
        claim_rows += _claim_rows(claim, codes, allowed)
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
        files=tuple(str(f) for f in files),
        carc_table_version=version,
        allowed=allowed,
    )


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


def _resolve_paths(paths: str | PathLike[str] | Iterable[str | PathLike[str]]) -> list[Path]:
    items = [paths] if isinstance(paths, str | PathLike) else list(paths)
    if not items:
        raise ConfigurationError(MSG_NO_PATHS)
    files: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(
                f for f in p.iterdir() if f.is_file() and f.suffix.lower() in _FILE_SUFFIXES
            )
            if not found:
                raise InputFileError(
                    f"{p}: folder holds no 835 files (looked for {', '.join(_FILE_SUFFIXES)})."
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
    return files


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the file ({exc}).") from exc
    if not data.strip():
        raise InputFileError(f"{path}: the file is empty; expected an X12 835 starting with ISA.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if not text.lstrip("\r\n").startswith("ISA"):
        raise InputFileError(
            f"{path}: not an X12 file (it starts with {text[:20]!r}; expected 'ISA'). "
            "Pass 835 remittance files as received from the payer or clearinghouse."
        )
    return text


@lru_cache(maxsize=1)
def _default_denial_codes() -> tuple[frozenset[str], str]:
    """Denial codes and version of the bundled CARC table.

    Read here because load never imports the later classify stage.
    """
    text = (resources.files("paritykit") / "data" / "carc_categories.csv").read_text("utf-8")
    version = "unknown"
    for line in text.splitlines():
        if line.startswith("#") and "version=" in line:
            version = line.split("version=", 1)[1].strip().split()[0]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    codes = frozenset(
        row["carc"].strip().upper()
        for row in csv.DictReader(io.StringIO(body))
        if row["counts_as_denial"].strip().lower() == "yes"
    )
    return codes, version

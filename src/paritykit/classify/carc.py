"""Denial-reason categories for Claim Adjustment Reason Codes (CARC).

Remittances (X12 835) give the reason for every adjustment as a CARC. This module maps each
code to one paritykit category (``medical_necessity``, ``authorization``, ...), a short label
of our own wording and a ``counts_as_denial`` flag, from the versioned package data file
``paritykit/data/carc_categories.csv``. A code the table does not know is classified as
``unknown``: it is counted, never dropped.

The bundled table holds every code of the X12 Claim Adjustment Reason Code list (X12 external
code list 139) as updated on 2025-11-01, active and deactivated, with the code's status and,
where known, its start and stop dates. Labels, categories and flags are paritykit's own;
``paritykit/data/SOURCES.md`` gives the provenance and ``docs/remittances.md`` the choices.
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass, field
from datetime import date
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
    "CARC_CATEGORIES",
    "CARC_STATUSES",
    "UNKNOWN_CATEGORY",
    "CarcCategory",
    "CarcTable",
    "carc_table",
    "classify_carc",
    "lookup_carc",
    "normalize_carc",
]

CarcCategory = Literal[
    "medical_necessity",
    "authorization",
    "missing_information",
    "coding",
    "timely_filing",
    "non_covered",
    "benefit_limit",
    "eligibility",
    "network",
    "duplicate",
    "coordination_of_benefits",
    "contractual",
    "patient_responsibility",
    "other",
    "unknown",
]
#: The categories a table may use (``unknown`` is reserved for codes the table lacks).
CARC_CATEGORIES: Final[tuple[str, ...]] = (
    "medical_necessity",
    "authorization",
    "missing_information",
    "coding",
    "timely_filing",
    "non_covered",
    "benefit_limit",
    "eligibility",
    "network",
    "duplicate",
    "coordination_of_benefits",
    "contractual",
    "patient_responsibility",
    "other",
)
#: Category given to a code that is not in the table.
UNKNOWN_CATEGORY: Final = "unknown"

_TABLE_COLUMNS: Final[tuple[str, ...]] = (
    "carc",
    "label",
    "category",
    "counts_as_denial",
    "mh_specific",
    "note",
)
#: Columns a table may add: the code's status in the X12 list and its start and stop dates.
_OPTIONAL_COLUMNS: Final[tuple[str, ...]] = ("status", "start_date", "stop_date")
#: Values of the optional ``status`` column.
CARC_STATUSES: Final[tuple[str, ...]] = ("active", "deactivated")
_FLAGS: Final[dict[str, bool]] = {"yes": True, "no": False}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_VERSION_RE = re.compile(r"version\s*=\s*([^\s;,]+)")
_CODE_RE = re.compile(r"^[A-Z]?\d{1,3}$|^[A-Z]\d{1,3}$")
_GROUP_PREFIX_RE = re.compile(r"^(?:CO|PR|OA|PI|CR)[-\s]?(?=[A-Z]?\d)")

MSG_NO_VERSION = (
    "{source}: the CARC table has no version line; expected a first line like "
    "'# my CARC categories; version=2026.1'. Add one so results record which table was used."
)
MSG_MISSING_COLUMN = (
    "column {column!r} not found; the data has columns {found}. Pass column= naming the column "
    "that holds CARC codes (for example 'denial_reason' or 'carc')."
)


@dataclass(frozen=True)
class CarcTable:
    """A versioned CARC -> category table.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per code with columns ``carc``, ``carc_label``, ``carc_category``,
        ``counts_as_denial``, ``mh_specific``, ``carc_status`` (``active``/``deactivated``,
        missing when the file has no ``status`` column), ``carc_start_date`` and
        ``carc_stop_date`` (``datetime.date`` or None) and ``note``.
    version : str
        The version string from the file's header line.
    source : str
        Where the table came from (``"package"`` or a file path).
    comments : tuple of str
        The file's ``#`` header lines (without the ``#``): the release and source it names.
    """

    table: pd.DataFrame = field(repr=False)
    version: str
    source: str
    comments: tuple[str, ...] = ()

    def lookup(self, code: object) -> dict[str, object]:
        """Return the label, category, flags and dates of one code; never raises.

        A code the table lacks (or a value that is no CARC at all) gets category ``unknown``,
        missing label, flags and dates, and a note saying which table version lacks it. A
        missing value (None, NaN, blank) gets category None: there is no code to classify.

        Examples
        --------
        >>> carc_table().lookup("CO-50")["carc_category"]
        'medical_necessity'
        >>> carc_table().lookup("ZZ9")["carc_category"]
        'unknown'
        >>> carc_table().lookup("A2")["carc_status"]
        'deactivated'
        """
        norm = normalize_carc(code)
        if norm is not None:
            hits = self.table[self.table[C.CARC] == norm]
            if len(hits):
                return hits.head(1).to_dict(orient="records")[0]
        return {
            C.CARC: norm,
            C.CARC_LABEL: None,
            C.CARC_CATEGORY: UNKNOWN_CATEGORY if norm is not None else None,
            C.COUNTS_AS_DENIAL: None,
            C.MH_SPECIFIC: None,
            C.CARC_STATUS: None,
            C.CARC_START_DATE: None,
            C.CARC_STOP_DATE: None,
            C.NOTE: (f"not in CARC table version {self.version}" if norm is not None else None),
        }

    def active_on(self, code: object, on: date) -> bool | None:
        """Whether a code could be used in an original remittance on date ``on``.

        X12 lets a code be used up to and including its stop date. Returns None when the
        code is unknown or the table has no dates for it (then the status column decides
        nothing about the past).

        Examples
        --------
        >>> from datetime import date
        >>> t = carc_table()
        >>> t.active_on("A2", date(2007, 6, 1)), t.active_on("A2", date(2009, 1, 1))
        (True, False)
        >>> t.active_on("50", date(2026, 1, 1)), t.active_on("ZZ9", date(2026, 1, 1))
        (True, None)
        """
        row = self.lookup(code)
        if row[C.CARC_CATEGORY] in (None, UNKNOWN_CATEGORY):
            return None
        start, stop = row[C.CARC_START_DATE], row[C.CARC_STOP_DATE]
        if stop is None and row[C.CARC_STATUS] == "deactivated":
            return None
        if start is not None and on < start:
            return False
        if stop is not None and on > stop:
            return False
        if start is None and row[C.CARC_STATUS] is None:
            return None
        return True

    def denial_codes(self) -> frozenset[str]:
        """Codes whose ``counts_as_denial`` flag is true.

        Examples
        --------
        >>> "50" in carc_table().denial_codes(), "45" in carc_table().denial_codes()
        (True, False)
        """
        flags = self.table[C.COUNTS_AS_DENIAL].astype(bool)
        return frozenset(self.table.loc[flags, C.CARC].astype(str))

    def to_frame(self) -> pd.DataFrame:
        """The table as a DataFrame (a copy)."""
        return self.table.copy()

    def summary(self) -> str:
        """Codes per category, as text.

        Examples
        --------
        >>> print(carc_table().summary().splitlines()[0])
        CARC table version 2026.2 (package): 407 codes (297 active, 110 deactivated)
        """
        counts = self.table.groupby(C.CARC_CATEGORY, sort=True).size()
        head = f"CARC table version {self.version} ({self.source}): {len(self.table)} codes"
        statuses = self.table[C.CARC_STATUS].value_counts()
        if len(statuses):
            head += " (" + ", ".join(f"{statuses.get(s, 0)} {s}" for s in CARC_STATUSES) + ")"
        lines = [head]
        lines += [f"  {cat:<26} {n:>4}" for cat, n in counts.items()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = html.escape(f"CARC table version {self.version} ({self.source})")
        return f"<p>{head}</p>" + self.table.to_html(index=False)


def normalize_carc(value: object) -> str | None:
    """Return a CARC code in canonical form, or None for a missing value.

    Upper-cases, strips blanks and a leading group code (``CO-50`` -> ``50``) and leading
    zeros of numeric codes (``045`` -> ``45``).

    Examples
    --------
    >>> normalize_carc(" co-197 "), normalize_carc("045"), normalize_carc("b13")
    ('197', '45', 'B13')
    >>> normalize_carc(None) is None
    True
    """
    if value is None:
        return None
    if not isinstance(value, str):
        try:
            if pd.isna(value):
                return None
        except (TypeError, ValueError):  # a list or other container: not a code
            pass
    text = str(value).strip().upper()
    if not text:
        return None
    text = _GROUP_PREFIX_RE.sub("", text)
    if text.isdigit():
        text = str(int(text))
    return text


def carc_table(path: str | PathLike[str] | None = None) -> CarcTable:
    """Load the CARC category table: the bundled one, or a user's file of the same layout.

    Parameters
    ----------
    path : str or path-like, optional
        A CSV with ``#`` header lines, one of them ``# ...; version=X``, and the columns
        ``carc, label, category, counts_as_denial (yes/no), mh_specific (yes/no), note``;
        optionally ``status`` (active/deactivated), ``start_date`` and ``stop_date``
        (YYYY-MM-DD, blank when unknown or, for ``stop_date``, when active). Omit it for the
        bundled table.

    Returns
    -------
    CarcTable

    Raises
    ------
    InputFileError
        The file is missing or has no version line.
    DataValidationError
        A row has an unknown category, a flag other than yes/no, a bad status or date, or a
        duplicate code.

    Examples
    --------
    >>> t = carc_table()
    >>> t.lookup("197")["carc_category"], t.lookup("197")["counts_as_denial"]
    ('authorization', True)
    >>> len(t.table), t.version
    (407, '2026.2')
    """
    if path is None:
        return _package_table()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputFileError(f"{p}: cannot read the CARC table ({exc}).") from exc
    return _parse_table(text, str(p))


@lru_cache(maxsize=1)
def _package_table() -> CarcTable:
    text = (resources.files("paritykit") / "data" / "carc_categories.csv").read_text("utf-8")
    return _parse_table(text, "package")


def _parse_table(text: str, source: str) -> CarcTable:
    lines = text.splitlines()
    version = None
    comments = tuple(line[1:].strip() for line in lines if line.startswith("#"))
    for line in lines:
        if not line.startswith("#"):
            break
        found = _VERSION_RE.search(line)
        if found:
            version = found.group(1)
    if version is None:
        raise InputFileError(MSG_NO_VERSION.format(source=source))
    body = "\n".join(line for line in lines if not line.startswith("#"))
    reader = csv.DictReader(io.StringIO(body))
    missing = [c for c in _TABLE_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputFileError(
            f"{source}: the CARC table lacks columns {missing}; expected {list(_TABLE_COLUMNS)}."
        )
    optional = [c for c in _OPTIONAL_COLUMNS if c in (reader.fieldnames or [])]
    rows: list[dict[str, object]] = []
    problems: list[dict[str, object]] = []
    seen: set[str] = set()
    n_comments = sum(1 for line in lines if line.startswith("#"))
    for i, raw in enumerate(reader):
        row_no = n_comments + 2 + i  # the line number as seen in an editor

        def bad(
            column: str, value: object, problem: str, expected: str, _row: int = row_no
        ) -> None:
            problems.append(
                {
                    "file": source,
                    "row": _row,
                    "column": column,
                    "value": value,
                    "problem": problem,
                    "expected": expected,
                }
            )

        code = normalize_carc(raw["carc"])
        if code is None or not _CODE_RE.match(code):
            bad("carc", raw["carc"], "not a CARC code", "digits or a letter and digits")
            continue
        if code in seen:
            bad("carc", raw["carc"], "duplicate code", "each code once")
        seen.add(code)
        category = (raw["category"] or "").strip()
        if category not in CARC_CATEGORIES:
            bad("category", category, "unknown category", ", ".join(CARC_CATEGORIES))
        flags = {}
        for col in ("counts_as_denial", "mh_specific"):
            val = (raw[col] or "").strip().lower()
            if val not in _FLAGS:
                bad(col, raw[col], "not yes/no", "yes or no")
            flags[col] = _FLAGS.get(val, False)
        status = (raw["status"] or "").strip().lower() if "status" in optional else ""
        if status and status not in CARC_STATUSES:
            bad("status", raw["status"], "unknown status", "active, deactivated or blank")
        dates: dict[str, date | None] = {}
        for col in ("start_date", "stop_date"):
            text_value = (raw[col] or "").strip() if col in optional else ""
            dates[col] = None
            if text_value:
                try:
                    if not _DATE_RE.match(text_value):
                        raise ValueError(text_value)
                    dates[col] = date.fromisoformat(text_value)
                except ValueError:
                    bad(col, raw[col], "not a date", "YYYY-MM-DD or blank")
        if dates["stop_date"] is not None and status == "active":
            bad("stop_date", raw["stop_date"], "stop date on an active code", "blank")
        rows.append(
            {
                C.CARC: code,
                C.CARC_LABEL: (raw["label"] or "").strip(),
                C.CARC_CATEGORY: category,
                C.COUNTS_AS_DENIAL: flags["counts_as_denial"],
                C.MH_SPECIFIC: flags["mh_specific"],
                C.CARC_STATUS: status or None,
                C.CARC_START_DATE: dates["start_date"],
                C.CARC_STOP_DATE: dates["stop_date"],
                C.NOTE: (raw["note"] or "").strip() or None,
            }
        )
    if problems:
        raise DataValidationError(
            f"{source}: {len(problems)} problem(s) in the CARC table (first: row "
            f"{problems[0]['row']}, {problems[0]['column']}: {problems[0]['problem']}).",
            pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS)),
        )
    table = pd.DataFrame(
        rows,
        columns=[
            C.CARC,
            C.CARC_LABEL,
            C.CARC_CATEGORY,
            C.COUNTS_AS_DENIAL,
            C.MH_SPECIFIC,
            C.CARC_STATUS,
            C.CARC_START_DATE,
            C.CARC_STOP_DATE,
            C.NOTE,
        ],
    )
    for col in (C.CARC_STATUS, C.CARC_START_DATE, C.CARC_STOP_DATE):
        table[col] = table[col].astype(object).where(table[col].notna(), None)
    return CarcTable(table=table, version=version, source=source, comments=comments)


def lookup_carc(code: object, *, table: CarcTable | None = None) -> dict[str, object]:
    """Look up one CARC in the bundled table (or ``table``); an unknown code never raises.

    Parameters
    ----------
    code : object
        A code as it appears in a remittance or claims extract (``"CO-251"``, ``"176"``,
        ``45``); group prefixes and leading zeros are removed first.
    table : CarcTable, optional
        The table to use; the bundled one by default.

    Returns
    -------
    dict
        ``carc``, ``carc_label``, ``carc_category``, ``counts_as_denial``, ``mh_specific``,
        ``carc_status``, ``carc_start_date``, ``carc_stop_date`` and ``note``. A code the
        table lacks gets ``carc_category`` ``unknown`` and a note naming the table version.

    Examples
    --------
    >>> lookup_carc("CO-251")["carc_category"], lookup_carc("OA-176")["counts_as_denial"]
    ('missing_information', True)
    >>> lookup_carc("CO-999")["carc_category"], lookup_carc("CO-999")["note"]
    ('unknown', 'not in CARC table version 2026.2')
    """
    return (table if table is not None else _package_table()).lookup(code)


def classify_carc(
    data: pd.DataFrame,
    *,
    column: str = C.DENIAL_REASON,
    table: CarcTable | str | PathLike[str] | None = None,
) -> pd.DataFrame:
    """Add the CARC label, category and flags to each row of ``data``.

    Parameters
    ----------
    data : pandas.DataFrame
        Claim lines (``denial_reason`` column) or adjustments (pass ``column="carc"``).
    column : str
        The column holding CARC codes. Group prefixes (``CO-50``) are accepted.
    table : CarcTable or path, optional
        The category table; the bundled one by default.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``carc_label``, ``carc_category``, ``counts_as_denial``,
        ``mh_specific`` and ``carc_table_version`` added. A missing code gives missing values
        (the line was not denied); a code the table lacks gives category ``unknown`` and
        missing flags, so it is counted rather than dropped.

    Raises
    ------
    ConfigurationError
        ``column`` is not in ``data``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"denial_reason": ["50", "CO-197", "ZZ9", None]})
    >>> classify_carc(df)["carc_category"].tolist()
    ['medical_necessity', 'authorization', 'unknown', None]
    """
    if column not in data.columns:
        raise ConfigurationError(
            MSG_MISSING_COLUMN.format(column=column, found=list(map(str, data.columns)))
        )
    if table is None:
        tab = _package_table()
    elif isinstance(table, CarcTable):
        tab = table
    else:
        tab = carc_table(table)
    codes = data[column].map(normalize_carc)
    lookup = tab.table.set_index(C.CARC)
    out = data.copy()
    known = codes.isin(lookup.index)
    present = codes.notna()
    for col in (C.CARC_LABEL, C.CARC_CATEGORY):
        values = codes.map(lookup[col]).astype(object)
        out[col] = values.where(known, None)
    out.loc[present & ~known, C.CARC_CATEGORY] = UNKNOWN_CATEGORY
    for col in (C.COUNTS_AS_DENIAL, C.MH_SPECIFIC):
        out[col] = codes.map(lookup[col]).astype("boolean")
    out[C.CARC_TABLE_VERSION] = tab.version
    return out

"""Read a practice's billing-system CSV export into claim lines (the claims data contract).

Practices can export their insurance claims from the practice-management system as CSV. A
:class:`BillingMapping` says which header holds which contract column (the same
:class:`~paritykit.load.claims.ColumnMap` as :func:`paritykit.scan_claims`), plus the few
remittance columns the payer scorecard and appeal tracking use (payment date, denial date,
modifiers), the date format, and how the export spells claim statuses. Two example mappings ship
as package data (``paritykit/data/mappings/*.yaml``); their headers are invented for paritykit
and are not any vendor's real format.

Policy for values practice data usually lacks (``docs/practices.md``):

- ``network_status``: from the export when mapped, else from ``network_status=`` (one value for
  all lines or one per payer), else missing. The payer scorecard does not need it.
- ``allowed_amount`` and ``diagnosis_code``: from the export when mapped, else missing. Missing
  values are kept as missing, never invented.
- ``claim_type``: from the export when mapped, else ``claim_type=`` (``"professional"``: the
  CMS-1500 claims a therapy practice bills).
- ``line_number``: from the export when mapped, else 1, 2, ... within each claim in file order.
- ``status``: the mapping's ``status_values`` translate the export's words; a status mapped to
  ``exclude`` (submitted, pending, rejected by the clearinghouse: nothing adjudicated yet) drops
  the line and counts it in :attr:`BillingExport.excluded`.

Every other check of the claims contract (:func:`paritykit.validate_claims`) applies as it is:
dates, numbers, coded values, ICD-10-CM codes, negative amounts, missing claim id, payer,
service date, status or billed amount.
"""

from __future__ import annotations

import html
import os
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Final, Literal

import pandas as pd

from paritykit import columns as C
from paritykit.errors import (
    PROBLEM_COLUMNS,
    ConfigurationError,
    DataValidationError,
    InputFileError,
    ParityKitWarning,
)
from paritykit.load.claims import ColumnMap, scan_claims
from paritykit.load.tables import CONTROL_CHARACTERS
from paritykit.load.text import MAX_CONFIG_BYTES, load_yaml, read_csv_text, read_text
from paritykit.validate.claims import line_problems, validate_claims
from paritykit.validate.problems import did_you_mean
from paritykit.vocab import CLAIM_STATUSES, CLAIM_TYPES, NETWORK_STATUSES, normalize_token

__all__ = [
    "BILLING_CLAIM_COLUMNS",
    "BILLING_EXTRA_COLUMNS",
    "BILLING_MAPPINGS",
    "BillingExport",
    "BillingMapping",
    "load_billing_mapping",
    "read_billing_export",
]

#: Remittance columns a billing mapping may name besides the claims contract.
BILLING_EXTRA_COLUMNS: Final[tuple[str, ...]] = (
    C.PAYMENT_DATE,
    C.DENIAL_DATE,
    C.PROCEDURE_MODIFIERS,
    C.UNITS,
    C.PAYER_ID,
    C.PATIENT_RESPONSIBILITY_AMOUNT,
)
#: Columns of :attr:`BillingExport.claims`: the claims contract, the extras, the source file.
BILLING_CLAIM_COLUMNS: Final[tuple[str, ...]] = (
    *C.CLAIMS_COLUMNS,
    *BILLING_EXTRA_COLUMNS,
    C.SOURCE_FILE,
)
#: Names of the example mappings shipped as package data.
BILLING_MAPPINGS: Final[tuple[str, ...]] = ("simplepractice_like", "therapynotes_like")
#: Columns of :attr:`BillingExport.excluded`.
EXCLUDED_COLUMNS: Final[tuple[str, ...]] = ("row", C.CLAIM_ID, "column", "value", "reason")

#: Columns the export must provide (through the mapping or by name).
_NEEDED: Final[tuple[str, ...]] = (
    C.CLAIM_ID,
    C.PLAN_ID,
    C.SERVICE_DATE,
    C.STATUS,
    C.BILLED_AMOUNT,
)
#: Required contract columns the policy above may leave missing.
_RELAXED: Final[tuple[str, ...]] = (C.NETWORK_STATUS, C.ALLOWED_AMOUNT, C.DIAGNOSIS_CODE)
_DATE_EXTRAS: Final[tuple[str, ...]] = (C.PAYMENT_DATE, C.DENIAL_DATE)
_NUMBER_EXTRAS: Final[tuple[str, ...]] = (C.UNITS, C.PATIENT_RESPONSIBILITY_AMOUNT)
_AMOUNTS: Final[tuple[str, ...]] = (C.BILLED_AMOUNT, C.ALLOWED_AMOUNT, C.PAID_AMOUNT)
_STATUS_TARGETS: Final[tuple[str, ...]] = (*CLAIM_STATUSES, "exclude")

BillingErrors = Literal["raise", "exclude"]
#: Joins a claim id and its CSV line number while the lines are typed in the engine.
_KEY: Final = "\x1f"


@dataclass(frozen=True)
class BillingMapping:
    """How a billing export's headers and values map to paritykit's columns.

    Attributes
    ----------
    name : str
        A short name (the file stem for files).
    columns : ColumnMap
        Contract column -> header.
    extra_columns : Mapping[str, str]
        Column of :data:`BILLING_EXTRA_COLUMNS` -> header.
    date_format : str or None
        ``strptime`` format of the export's dates (``"%m/%d/%Y"``); None for ISO dates.
    status_values : Mapping[str, str]
        Export status (compared as :func:`paritykit.vocab.normalize_token`) -> ``paid``,
        ``denied`` or ``exclude``.
    description : str
    source : str
        ``"package"`` or the file path.
    """

    name: str
    columns: ColumnMap
    extra_columns: Mapping[str, str] = field(default_factory=dict)
    date_format: str | None = None
    status_values: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    source: str = "<BillingMapping>"

    def __post_init__(self) -> None:
        unknown = [k for k in self.extra_columns if k not in BILLING_EXTRA_COLUMNS]
        if unknown:
            raise ConfigurationError(
                f"billing mapping {self.name} names extra column(s) {unknown!r}; expected keys "
                f"among {list(BILLING_EXTRA_COLUMNS)} (contract columns go under 'columns')."
            )
        bad = {k: v for k, v in self.status_values.items() if v not in _STATUS_TARGETS}
        if bad:
            raise ConfigurationError(
                f"billing mapping {self.name} maps statuses {bad!r}; each status must map to "
                f"one of {list(_STATUS_TARGETS)}."
            )

    def source_for(self, column: str) -> str | None:
        """The header mapped to ``column`` (contract or extra), or None."""
        if column in C.CLAIMS_COLUMNS:
            return self.columns.source_for(column)
        return self.extra_columns.get(column)


@dataclass(frozen=True)
class BillingExport:
    """Claim lines read from a billing export, and what was set aside.

    Attributes
    ----------
    claims : pandas.DataFrame
        One row per claim line in :data:`BILLING_CLAIM_COLUMNS`: service and payment dates as
        datetimes, amounts as floats, missing values missing.
    excluded : pandas.DataFrame
        Lines not kept (``row`` is the line number in the CSV, header = line 1), with the reason.
    checks : pandas.DataFrame
        The claims-contract checks run (:attr:`paritykit.ClaimsValidation.checks`).
    source : str
    mapping : str
        The mapping's name.
    notes : tuple of str
        How values missing from the export were treated.
    """

    claims: pd.DataFrame = field(repr=False)
    excluded: pd.DataFrame = field(repr=False)
    checks: pd.DataFrame = field(repr=False)
    source: str
    mapping: str
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The claim lines (a copy of :attr:`claims`)."""
        return self.claims.copy()

    def summary(self) -> str:
        """Lines read, kept and excluded, as text."""
        c = self.claims
        denied = int((c[C.STATUS] == "denied").sum()) if len(c) else 0
        lines = [
            f"billing export {self.source} (mapping {self.mapping}): {len(c)} claim lines in "
            f"{c[C.CLAIM_ID].nunique() if len(c) else 0} claims; denied lines: {denied}; "
            f"excluded lines: {len(self.excluded)}"
        ]
        if len(self.excluded):
            for reason, n in self.excluded["reason"].value_counts().items():
                lines.append(f"  excluded {n}: {reason}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        text = html.escape(self.summary()).replace("\n", "<br>")
        return f"<p>{text}</p>" + self.claims.head(20).to_html(index=False)


# --- mappings --------------------------------------------------------------------------------


def load_billing_mapping(
    mapping: str | os.PathLike[str] | BillingMapping | ColumnMap | Mapping[str, str],
) -> BillingMapping:
    """Return a :class:`BillingMapping` from a bundled name, a YAML/TOML file, or a mapping.

    Parameters
    ----------
    mapping : str, path, BillingMapping, ColumnMap or dict
        One of :data:`BILLING_MAPPINGS`; a YAML or TOML file with ``columns:`` (contract column
        -> header) and optionally ``extra_columns:``, ``date_format:``, ``status_values:``,
        ``name:`` and ``description:``; a :class:`~paritykit.ColumnMap`; or a plain dict of
        contract (or extra) column -> header.

    Raises
    ------
    InputFileError
        The name is neither a bundled mapping nor an existing file.
    ConfigurationError
        The file cannot be parsed or names unknown columns or statuses.

    Examples
    --------
    >>> m = load_billing_mapping("therapynotes_like")
    >>> m.columns.source_for("plan_id"), m.date_format
    ('Payer Name', '%Y-%m-%d')
    """
    if isinstance(mapping, BillingMapping):
        return mapping
    if isinstance(mapping, ColumnMap):
        return BillingMapping(name=mapping.name, columns=mapping, source=mapping.name)
    if isinstance(mapping, Mapping):
        return _from_dict({"columns": dict(mapping)}, "<dict>", "<dict>")
    text = os.fspath(mapping)
    if text in BILLING_MAPPINGS:
        resource = resources.files("paritykit") / "data" / "mappings" / f"{text}.yaml"
        return _parse_mapping(resource.read_text("utf-8"), ".yaml", text, "package")
    path = Path(text)
    if not path.is_file():
        raise InputFileError(
            f"billing mapping {text!r} is neither a bundled mapping ({', '.join(BILLING_MAPPINGS)})"
            " nor a file; pass one of those names or the path of a YAML/TOML mapping."
        )
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".toml"):
        raise ConfigurationError(
            f"billing mapping {path} has suffix {suffix!r}; expected .yaml, .yml or .toml."
        )
    decoded = read_text(path, what="billing mapping", max_bytes=MAX_CONFIG_BYTES)
    if decoded.note:
        warnings.warn(decoded.note, ParityKitWarning, stacklevel=2)
    return _parse_mapping(decoded.text, suffix, path.stem, str(path))


def _parse_mapping(text: str, suffix: str, name: str, source: str) -> BillingMapping:
    try:
        if suffix == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            data = load_yaml(text, source)
    except Exception as exc:  # TOML and YAML parser errors, YAML limits
        detail = " ".join(str(exc).split())
        raise ConfigurationError(f"cannot parse billing mapping {source}: {detail}") from exc
    if not isinstance(data, dict):
        raise ConfigurationError(
            f"billing mapping {source} holds {type(data).__name__}; expected a table with "
            "'columns:' (contract column -> header in your export)."
        )
    return _from_dict(data, str(data.get("name") or name), source)


def _from_dict(data: dict[str, object], name: str, source: str) -> BillingMapping:
    raw = data.get("columns", {})
    if not isinstance(raw, dict):
        raise ConfigurationError(f"billing mapping {source}: 'columns' must be a table.")
    extra_raw = data.get("extra_columns", {}) or {}
    if not isinstance(extra_raw, dict):
        raise ConfigurationError(f"billing mapping {source}: 'extra_columns' must be a table.")
    contract = {str(k): str(v) for k, v in raw.items() if str(k) in C.CLAIMS_COLUMNS}
    extra = {str(k): str(v) for k, v in extra_raw.items()}
    # a plain dict may mix contract and extra columns
    extra.update({str(k): str(v) for k, v in raw.items() if str(k) not in C.CLAIMS_COLUMNS})
    statuses_raw = data.get("status_values", {}) or {}
    if not isinstance(statuses_raw, dict):
        raise ConfigurationError(f"billing mapping {source}: 'status_values' must be a table.")
    statuses = {normalize_token(k): str(v).strip().lower() for k, v in statuses_raw.items()}
    date_format = data.get("date_format")
    return BillingMapping(
        name=name,
        columns=ColumnMap(contract, name=source),
        extra_columns=extra,
        date_format=str(date_format) if date_format else None,
        status_values=statuses,
        description=str(data.get("description") or ""),
        source=source,
    )


# --- reading ---------------------------------------------------------------------------------


def _resolve_headers(
    headers: list[str], mapping: BillingMapping, display: str
) -> tuple[dict[str, str], list[str]]:
    """Return (target column -> header, notes): by the mapping first, then by name.

    A header the mapping names for a needed column (claim id, payer, service date, status,
    billed amount) must exist; one named for any other column may be absent (the column is then
    missing, and a note says so).
    """
    by_token: dict[str, str] = {}
    for h in headers:
        by_token.setdefault(normalize_token(h), h)
    chosen: dict[str, str] = {}
    notes: list[str] = []
    missing_mapped: list[str] = []
    for col in (*C.CLAIMS_COLUMNS, *BILLING_EXTRA_COLUMNS):
        src = mapping.source_for(col)
        if src is not None:
            if src in headers:
                chosen[col] = src
            elif normalize_token(src) in by_token:
                chosen[col] = by_token[normalize_token(src)]
            elif col not in _NEEDED:
                notes.append(f"{col}: the export has no {src!r} column; left missing")
            else:
                missing_mapped.append(f"{col!r} -> {src!r}")
        elif col in by_token:
            chosen[col] = by_token[col]
    if missing_mapped:
        raise InputFileError(
            f"the billing mapping {mapping.name} names headers that {display} lacks: "
            f"{', '.join(missing_mapped)}; headers found: {headers}. Check that the export and "
            "the mapping belong together, or edit a copy of the mapping."
        )
    lacking = [c for c in _NEEDED if c not in chosen]
    if lacking:
        rows = [
            {
                "file": display,
                "row": None,
                "column": c,
                "value": None,
                "problem": f"required column missing{did_you_mean(c, headers)}",
                "expected": "a header mapped to this column",
            }
            for c in lacking
        ]
        listed = ", ".join(f"'{c}'{did_you_mean(c, headers)}" for c in lacking)
        raise DataValidationError(
            f"billing export {display} has no column for {listed} (mapping {mapping.name}). "
            f"Headers found: {headers}. Pass mapping= naming a bundled mapping "
            f"({', '.join(BILLING_MAPPINGS)}) or a YAML file that maps your headers.",
            pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS)),
        )
    return chosen, notes


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Return the export's cells as text (blank cells None) and notes on what was changed."""
    if not path.is_file():
        raise InputFileError(f"billing export not found: {path}; expected a CSV file.")
    if path.stat().st_size == 0:
        raise InputFileError(
            f"billing export {path} is empty (0 bytes); expected a CSV with a header row."
        )
    text = read_csv_text(path, what="billing export")
    notes = list(text.notes)
    for note in notes:
        warnings.warn(note, ParityKitWarning, stacklevel=3)
    records = [r for r in text.rows if any(c.strip() for c in r)]
    if not records:
        raise InputFileError(f"billing export {path} has no header row (only blank lines).")
    header = [CONTROL_CHARACTERS.sub("", c).strip() for c in records[0]]
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h in seen and h:
            raise InputFileError(
                f"billing export {path}: the header names the column {h!r} twice (columns "
                f"{seen[h] + 1} and {i + 1}); each column must appear once. Delete or rename "
                "one of them in the export."
            )
        seen[h] = i
    width = len(header)
    rows: list[list[str | None]] = []
    cleaned = 0
    for number, record in enumerate(records[1:], start=2):
        if len(record) > width and any(c.strip() for c in record[width:]):
            raise InputFileError(
                f"billing export {path}: line {number} has {len(record)} fields but the header "
                f"has {width}; a value holds an unquoted delimiter ({text.delimiter!r}), or the "
                "line was broken. Re-export the file as CSV."
            )
        cells: list[str | None] = []
        for cell in (record + [""] * width)[:width]:
            if CONTROL_CHARACTERS.search(cell):
                cell = CONTROL_CHARACTERS.sub("", cell)
                cleaned += 1
            cells.append(cell.strip() or None)
        rows.append(cells)
    if cleaned:
        notes.append(f"removed control characters (invisible characters) from {cleaned} cell(s)")
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    return frame, notes


#: Years accepted in export dates; others are export errors (a two-digit year read as 0024).
DATE_YEARS: Final[tuple[int, int]] = (1900, 2100)
_TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-](00)?\d{2}$")


def _parse_dates(values: pd.Series, date_format: str | None) -> pd.Series:
    fmt = date_format or "ISO8601"
    parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    years = parsed.dt.year
    outside = parsed.notna() & ((years < DATE_YEARS[0]) | (years > DATE_YEARS[1]))
    # Out-of-range years become "not a date" (pandas cannot hold years before 1677 anyway).
    return parsed.where(~outside).astype("datetime64[ns]")


def _date_hint(values: pd.Series, date_format: str | None) -> str:
    """Advice when unreadable dates are written with two-digit years."""
    if any(_TWO_DIGIT_YEAR.match(str(v)) for v in values.dropna().head(50)):
        return (
            "; the export writes two-digit years: set date_format in the mapping to a format "
            f"with %y (for example '%m/%d/%y') instead of {date_format or 'ISO (YYYY-MM-DD)'!r}"
        )
    return ""


def read_billing_export(
    path: str | os.PathLike[str],
    *,
    mapping: str | os.PathLike[str] | BillingMapping | ColumnMap | Mapping[str, str] | None = None,
    network_status: str | Mapping[str, str] | None = None,
    claim_type: str = "professional",
    errors: BillingErrors = "raise",
) -> BillingExport:
    """Read a practice-management CSV export of insurance claims into claim lines.

    Parameters
    ----------
    path : path
        The CSV export (comma- or tab-separated, one header row).
    mapping : str, path, BillingMapping, ColumnMap or dict, optional
        Which header holds which column: one of :data:`BILLING_MAPPINGS`, a YAML/TOML mapping
        file (see ``docs/practices.md``), or a plain dict. Without it, headers must spell the
        contract names (``claim_id``, ``Claim ID``, ...).
    network_status : {"in", "out"} or mapping of payer -> status, optional
        Used where the export has no network status (one value for every line, or one per
        payer as written in the payer column). Otherwise missing values stay missing.
    claim_type : {"professional", "institutional", "pharmacy"}
        Used where the export has no claim type.
    errors : {"raise", "exclude"}
        ``"raise"``: any line failing a contract check raises :class:`DataValidationError`;
        ``"exclude"``: failing lines are dropped and listed in ``excluded``.

    Returns
    -------
    BillingExport

    Raises
    ------
    InputFileError
        The file is missing, empty, not CSV, or lacks a header the mapping names.
    DataValidationError
        A needed column is missing, or (``errors="raise"``) lines fail the contract checks.
    ConfigurationError
        An option is not one of the allowed values.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = p.write_text(
    ...     "Claim Number,Line #,Payer Name,DOS,CPT,Mod,Dx 1,Charge,Allowed,Ins Paid,Status,"
    ...     "Denial Code,Network,ERA Date\\n"
    ...     "TN-1,1,Example Payer,2024-03-04,90837,,F33.1,200.00,140.00,120.00,Paid in Full,,"
    ...     "In-Network,2024-03-20\\n"
    ...     "TN-2,1,Example Payer,2024-03-11,90837,,F33.1,200.00,,0.00,Denied,CO-50,"
    ...     "In-Network,2024-03-29\\n")
    >>> b = read_billing_export(p, mapping="therapynotes_like")
    >>> b.claims[["claim_id", "status", "denial_reason", "network_status"]].values.tolist()
    [['TN-1', 'paid', None, 'in'], ['TN-2', 'denied', '50', 'in']]
    """
    if errors not in ("raise", "exclude"):
        raise ConfigurationError(f"errors={errors!r}; expected 'raise' or 'exclude'.")
    if claim_type not in CLAIM_TYPES:
        raise ConfigurationError(
            f"claim_type={claim_type!r}; expected one of {', '.join(CLAIM_TYPES)}."
        )
    if isinstance(network_status, str) and network_status not in NETWORK_STATUSES:
        raise ConfigurationError(
            f"network_status={network_status!r}; expected 'in', 'out' or a mapping of payer -> "
            "'in'/'out'."
        )
    if isinstance(network_status, Mapping):
        bad = {k: v for k, v in network_status.items() if v not in NETWORK_STATUSES}
        if bad:
            raise ConfigurationError(
                f"network_status maps payers to {bad!r}; each payer must map to 'in' or 'out'."
            )
    cmap = (
        load_billing_mapping(mapping)
        if mapping is not None
        else BillingMapping("none", ColumnMap())
    )
    p = Path(path)
    display = str(p)
    raw, read_notes = _read_csv(p)
    chosen, notes = _resolve_headers(list(raw.columns), cmap, display)
    notes = read_notes + notes
    frame = pd.DataFrame({col: raw[src] for col, src in chosen.items()})
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # CSV line numbers (header = line 1)
    excluded: list[dict[str, object]] = []

    # statuses: the export's words -> paid / denied / exclude
    tokens = frame[C.STATUS].map(lambda v: None if v is None else normalize_token(v))
    mapped = tokens.map(lambda t: cmap.status_values.get(t) if t is not None else None)
    drop = mapped == "exclude"
    for row in frame.index[drop]:
        excluded.append(
            {
                "row": int(row),
                C.CLAIM_ID: frame.at[row, C.CLAIM_ID],
                "column": C.STATUS,
                "value": frame.at[row, C.STATUS],
                "reason": "not adjudicated by the payer (the mapping excludes this status)",
            }
        )
    frame[C.STATUS] = mapped.where(mapped.notna(), frame[C.STATUS])
    frame = frame[~drop]

    # dates in the export's format -> ISO text (unparseable values stay as written)
    for col in (C.SERVICE_DATE, *_DATE_EXTRAS):
        if col in frame.columns:
            parsed = _parse_dates(frame[col], cmap.date_format)
            bad = frame[col].notna() & parsed.isna()
            hint = _date_hint(frame.loc[bad, col], cmap.date_format) if bad.any() else ""
            if col == C.SERVICE_DATE:
                iso = parsed.dt.strftime("%Y-%m-%d")
                frame[col] = iso.where(parsed.notna(), frame[col])
                if hint:
                    notes.append(f"{col}: {int(bad.sum())} value(s) not read as dates{hint}")
            else:
                for row in frame.index[bad]:
                    excluded.append(
                        {
                            "row": int(row),
                            C.CLAIM_ID: frame.at[row, C.CLAIM_ID],
                            "column": col,
                            "value": frame.at[row, col],
                            "reason": f"not a date (expected {cmap.date_format or 'YYYY-MM-DD'}"
                            f" with a year from {DATE_YEARS[0]} to {DATE_YEARS[1]}){hint}",
                        }
                    )
                frame[col] = parsed
    bad_dates = [e for e in excluded if e["column"] in _DATE_EXTRAS]
    if bad_dates and errors == "raise":
        _raise_rows(bad_dates, display, "date")
    if bad_dates:
        frame = frame.drop(index=[int(e["row"]) for e in bad_dates])  # type: ignore[call-overload]

    # policy fills for what the export lacks
    if C.LINE_NUMBER not in frame.columns:
        frame[C.LINE_NUMBER] = (frame.groupby(C.CLAIM_ID, sort=False).cumcount() + 1).astype(str)
        notes.append("line_number: numbered 1, 2, ... within each claim in file order")
    if C.CLAIM_TYPE not in frame.columns:
        frame[C.CLAIM_TYPE] = claim_type
        notes.append(f"claim_type: not in the export; set to {claim_type!r}")
    if C.NETWORK_STATUS not in frame.columns:
        frame[C.NETWORK_STATUS] = None
    if network_status is not None:
        fill = (
            frame[C.PLAN_ID].map(dict(network_status))
            if isinstance(network_status, Mapping)
            else pd.Series(network_status, index=frame.index)
        )
        missing = frame[C.NETWORK_STATUS].isna()
        frame.loc[missing, C.NETWORK_STATUS] = fill[missing]
        notes.append("network_status: missing values filled from network_status=")
    for col in _RELAXED:
        if col not in frame.columns:
            frame[col] = None
        n_missing = int(frame[col].isna().sum())
        if n_missing:
            notes.append(f"{col}: missing on {n_missing} line(s); kept missing (not invented)")

    extras = [c for c in BILLING_EXTRA_COLUMNS if c in frame.columns]
    contract = frame[[c for c in C.CLAIMS_COLUMNS if c in frame.columns]]
    # validate with the contract; the relaxed columns get a valid stand-in for the check only
    stand_in = contract.copy()
    stand_in[C.NETWORK_STATUS] = stand_in[C.NETWORK_STATUS].fillna("in")
    stand_in[C.ALLOWED_AMOUNT] = stand_in[C.ALLOWED_AMOUNT].fillna("0")
    # member_id is not checked by the contract: it carries the CSV line number through
    stand_in[C.MEMBER_ID] = stand_in.index.astype(str)
    validation = validate_claims(scan_claims(stand_in), errors=errors, source=display)
    checks = validation.checks
    kept_rows = set(frame.index)
    if validation.excluded_lines:
        passed = validation.table.select(C.MEMBER_ID).to_pandas()[C.MEMBER_ID]
        kept_rows = {int(v) for v in passed}
        # each excluded line with its own reasons (billing exports are small)
        per_line = line_problems(scan_claims(stand_in), C.MEMBER_ID)
        for row in sorted(set(frame.index) - kept_rows):
            mine = per_line[per_line[C.MEMBER_ID] == str(row)]
            excluded.append(
                {
                    "row": int(row),
                    C.CLAIM_ID: frame.at[row, C.CLAIM_ID],
                    "column": ", ".join(dict.fromkeys(mine["column"])) or None,
                    "value": ", ".join(dict.fromkeys(str(v) for v in mine["value"])) or None,
                    "reason": "fails the claims contract: "
                    + "; ".join(f"{r.column} {r.problem}" for r in mine.itertuples(index=False)),
                }
            )
    typed_source = contract.loc[sorted(kept_rows)].copy()
    typed_source[C.CLAIM_ID] = typed_source[C.CLAIM_ID] + _KEY + typed_source.index.astype(str)
    typed = scan_claims(typed_source).to_pandas()
    typed = typed[[c for c in typed.columns if not c.startswith("_raw_")]]
    keys = typed[C.CLAIM_ID].str.rsplit(_KEY, n=1)
    typed[C.CLAIM_ID] = keys.str[0]
    typed.index = keys.str[1].astype("int64").to_numpy()
    typed = typed.sort_index()
    out = pd.DataFrame(index=typed.index)
    for col in BILLING_CLAIM_COLUMNS:
        if col in typed.columns:
            out[col] = typed[col]
        elif col in extras:
            out[col] = frame.loc[typed.index, col]
        else:
            out[col] = None
    out[C.SOURCE_FILE] = p.name
    out = _typed(out)
    excluded_frame = pd.DataFrame(excluded, columns=list(EXCLUDED_COLUMNS))
    excluded_frame = excluded_frame.sort_values("row", kind="stable").reset_index(drop=True)
    return BillingExport(
        claims=out.reset_index(drop=True),
        excluded=excluded_frame,
        checks=checks,
        source=display,
        mapping=cmap.name,
        notes=tuple(notes),
    )


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    """Dates as datetime64, amounts as float64, text as object with None for missing."""
    for col in (C.SERVICE_DATE, *_DATE_EXTRAS):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]")
    for col in (*_AMOUNTS, C.DECISION_DAYS, *_NUMBER_EXTRAS):
        values = out[col].map(lambda v: None if v is None or pd.isna(v) else str(v))
        values = values.str.replace(r"[$,]", "", regex=True)
        out[col] = pd.to_numeric(values, errors="coerce").astype("float64")
    out[C.LINE_NUMBER] = pd.to_numeric(out[C.LINE_NUMBER]).astype("int64")
    text = [c for c in out.columns if out[c].dtype == object or str(out[c].dtype) == "str"]
    for col in text:
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def _raise_rows(rows: list[dict[str, object]], display: str, what: str) -> None:
    problems = pd.DataFrame(
        [
            {
                "file": display,
                "row": r["row"],
                "column": r["column"],
                "value": r["value"],
                "problem": r["reason"],
                "expected": "a date",
            }
            for r in rows
        ],
        columns=list(PROBLEM_COLUMNS),
    )
    shown = ", ".join(f"line {r['row']} {r['column']}={r['value']!r}" for r in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    raise DataValidationError(
        f"billing export {display}: {len(rows)} {what} value(s) could not be read: {shown}{more}. "
        "Fix them, set date_format in the mapping, or pass errors='exclude' to drop these lines.",
        problems,
    )

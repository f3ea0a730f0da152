"""Read an NQTL inventory, comparative-analysis answers, or an outcome summary.

The NQTL inventory and the comparative-analysis answers are tables a person fills in by hand:
CSV, Excel (sheet ``NQTLs`` / ``Comparative analysis`` by default), Parquet or a DataFrame; the
answers may also be a YAML file. Both are validated with every problem reported at once (file,
row, column, value, expected), like every other paritykit input.
"""

from __future__ import annotations

import dataclasses
import io
import os
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from paritykit import columns as C
from paritykit.errors import InputFileError, ParityKitWarning
from paritykit.load.tables import read_parquet_frame, read_raw_table
from paritykit.load.text import MAX_CONFIG_BYTES, MAX_TABLE_BYTES, load_yaml, read_text
from paritykit.validate.nqtl import (
    ANALYSIS_CONTRACT_NAME,
    NQTL_CONTRACT_NAME,
    DuplicatePolicy,
    validate_comparative_analysis,
    validate_nqtls,
)

__all__ = [
    "ANALYSIS_SHEET",
    "NQTL_SHEET",
    "is_validated_analysis",
    "is_validated_nqtls",
    "read_comparative_analysis",
    "read_nqtls",
    "read_outcome_summary",
]

#: The sheet read from a workbook by default (falls back to the first sheet).
NQTL_SHEET = "NQTLs"
#: The sheet holding comparative-analysis answers in a workbook.
ANALYSIS_SHEET = "Comparative analysis"
_YAML_SUFFIXES = (".yaml", ".yml")


def read_nqtls(
    source: str | os.PathLike[str] | pd.DataFrame,
    *,
    sheet: str | None = None,
    duplicates: DuplicatePolicy = "raise",
) -> pd.DataFrame:
    """Load an NQTL inventory and validate it against the NQTL inventory contract.

    Parameters
    ----------
    source : path or pandas.DataFrame
        A ``.csv``, ``.xlsx`` or ``.parquet`` file, or a DataFrame with the contract's columns
        (``plan_id``, ``classification``, ``side``, ``nqtl_type`` and ``applies`` are required).
    sheet : str, optional
        Excel sheet to read; default ``"NQTLs"`` when present, else the first sheet.
    duplicates : {"raise", "drop"}
        Rows that repeat an earlier row are problems (default) or are dropped, with their row
        numbers kept in ``attrs["dropped_duplicates"]``.

    Returns
    -------
    pandas.DataFrame
        One row per NQTL entry with the columns of ``paritykit.columns.NQTL_COLUMNS`` plus
        ``source_row`` (the row number the user sees in the source).

    Raises
    ------
    DataValidationError
        Listing every problem (file, row, column, value, expected) in ``.problems``.
    InputFileError
        When the file is missing, empty or not a supported table.

    Examples
    --------
    >>> import pandas as pd
    >>> import paritykit as pk
    >>> table = pd.DataFrame({
    ...     "plan_id": ["P1", "P1"], "classification": ["Inpatient, in-network"] * 2,
    ...     "side": ["MH/SUD", "M/S"], "nqtl_type": ["concurrent review"] * 2,
    ...     "applies": ["yes", "Y"], "review_interval_days": ["3 days", "weekly"]})
    >>> pk.read_nqtls(table)[["side", "nqtl_type", "applies", "review_interval_days"]]
        side          nqtl_type  applies  review_interval_days
    0  mhsud  concurrent_review     True                   3.0
    1     ms  concurrent_review     True                   7.0
    """
    if is_validated_nqtls(source):
        return source.copy()  # type: ignore[union-attr]
    raw = read_raw_table(
        source, expected_columns=C.NQTL_COLUMNS, sheet=sheet, preferred_sheet=NQTL_SHEET
    )
    return validate_nqtls(raw, duplicates=duplicates)


def is_validated_nqtls(obj: object) -> bool:
    """Return True when ``obj`` is a table :func:`read_nqtls` returned."""
    return (
        isinstance(obj, pd.DataFrame)
        and obj.attrs.get("paritykit_contract") == NQTL_CONTRACT_NAME
        and all(c in obj.columns for c in C.NQTL_COLUMNS)
    )


def is_validated_analysis(obj: object) -> bool:
    """Return True when ``obj`` is a table :func:`read_comparative_analysis` returned."""
    return (
        isinstance(obj, pd.DataFrame)
        and obj.attrs.get("paritykit_contract") == ANALYSIS_CONTRACT_NAME
        and all(c in obj.columns for c in C.ANALYSIS_COLUMNS)
    )


def read_comparative_analysis(
    source: str | os.PathLike[str] | pd.DataFrame | dict[str, Any] | list[dict[str, Any]],
    *,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Load a plan's comparative analysis entered as structured answers, one entry per NQTL.

    Parameters
    ----------
    source : path, DataFrame, dict or list of dicts
        A ``.yaml``/``.yml`` file (see below), a ``.csv``, ``.xlsx`` (sheet ``"Comparative
        analysis"`` by default) or ``.parquet`` table, a DataFrame, or the parsed YAML.
        A YAML file is either a list of entries, or a mapping with ``plan_id`` and a list
        ``nqtls`` of entries (each entry then inherits ``plan_id``). An entry has
        ``classification``, ``nqtl_type``, optionally ``sub_classification``, and the six
        elements ``description``, ``factors``, ``evidentiary_standards``,
        ``as_written_analysis``, ``in_operation_analysis``, ``findings_and_conclusions``
        (plus, optionally, ``factor_definitions``, ``relevant_data``, ``no_data_reason``).
        A list value is joined with "; ".
    sheet : str, optional
        Excel sheet to read.

    Returns
    -------
    pandas.DataFrame
        Columns of ``paritykit.columns.ANALYSIS_COLUMNS`` plus ``source_row`` (the spreadsheet
        row, or the 1-based entry number for YAML and data frames).

    Raises
    ------
    DataValidationError
        Listing every problem.
    InputFileError
        When the file is missing, empty, not valid YAML, or of an unsupported kind.

    Examples
    --------
    >>> import paritykit as pk
    >>> answers = {"plan_id": "P1", "nqtls": [{
    ...     "classification": "outpatient_in_network", "nqtl_type": "prior_authorization",
    ...     "description": "Prior authorization of psychological testing.",
    ...     "factors": ["cost", "variation in utilization"], "evidentiary_standards": None,
    ...     "as_written_analysis": None, "in_operation_analysis": None,
    ...     "findings_and_conclusions": "Comparable."}]}
    >>> pk.read_comparative_analysis(answers).loc[0, "factors"]
    'cost; variation in utilization'
    """
    if is_validated_analysis(source):
        return source.copy()  # type: ignore[union-attr]
    name = "<YAML>"
    if isinstance(source, str | os.PathLike) and Path(source).suffix.lower() in _YAML_SUFFIXES:
        name = str(source)
        source = _load_yaml(Path(source))
    if isinstance(source, dict | list):
        frame = _entries_frame(source, name)
        raw = dataclasses.replace(read_raw_table(frame), file=name)
    else:
        raw = read_raw_table(
            source,  # type: ignore[arg-type]
            expected_columns=C.ANALYSIS_COLUMNS,
            sheet=sheet,
            preferred_sheet=ANALYSIS_SHEET,
        )
    return validate_comparative_analysis(raw)


def _load_yaml(path: Path) -> Any:
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: the file is empty (0 bytes)")
    decoded = read_text(path, what="comparative analysis", max_bytes=MAX_CONFIG_BYTES)
    if decoded.note:
        warnings.warn(decoded.note, ParityKitWarning, stacklevel=3)
    return load_yaml(decoded.text, str(path))


def _entries_frame(data: dict[str, Any] | list[dict[str, Any]], name: str) -> pd.DataFrame:
    """Flatten the YAML structure into one record per NQTL entry."""
    plan_id = None
    entries: Any = data
    if isinstance(data, dict):
        if "nqtls" not in data:
            raise InputFileError(
                f"{name}: expected a list of NQTL entries or a mapping with 'plan_id' and a "
                f"list 'nqtls'; found keys {sorted(map(str, data))}"
            )
        plan_id = data.get(C.PLAN_ID)
        entries = data["nqtls"]
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputFileError(
            f"{name}: 'nqtls' must be a list of mappings (one per NQTL), found "
            f"{type(entries).__name__}"
        )
    records = []
    for entry in entries:
        rec = {str(k): _flatten(v) for k, v in entry.items()}
        if plan_id is not None:
            rec.setdefault(C.PLAN_ID, plan_id)
        records.append(rec)
    columns = list(dict.fromkeys([*C.ANALYSIS_COLUMNS, *(k for r in records for k in r)]))
    if records:
        columns = [c for c in columns if any(c in r for r in records)]
    return pd.DataFrame.from_records(records, columns=columns)


def _flatten(value: object) -> object:
    if isinstance(value, list | tuple):
        parts = [str(v).strip() for v in value if v is not None and str(v).strip()]
        return "; ".join(parts) if parts else None
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items() if v is not None) or None
    return value


def read_outcome_summary(source: str | os.PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    """Read an outcome summary (what :func:`paritykit.summarize_outcomes` returns) from a file.

    Parameters
    ----------
    source : path or DataFrame
        A ``.csv``, ``.parquet`` or ``.json`` (records) file written by ``paritykit outcomes
        --out``, or a DataFrame (returned as is).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    InputFileError
        When the file is missing, empty or not a supported kind.
    """
    if isinstance(source, pd.DataFrame):
        return source
    path = Path(source)
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: the file is empty (0 bytes)")
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".json"):
            decoded = read_text(path, what="outcome summary", max_bytes=MAX_TABLE_BYTES)
            if suffix == ".csv":
                return pd.read_csv(io.StringIO(decoded.text))
            return pd.read_json(io.StringIO(decoded.text), orient="records")
        if suffix in (".parquet", ".pq"):
            return read_parquet_frame(path, "outcome summary")
    except (ValueError, OSError) as exc:
        raise InputFileError(f"{path}: not a readable outcome summary ({exc})") from exc
    raise InputFileError(
        f"{path}: unsupported file type '{suffix}'; expected an outcome summary as .csv, "
        ".parquet or .json (paritykit outcomes --out)"
    )

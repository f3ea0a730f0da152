"""Read a plan benefit design (the benefits data contract) from CSV, Excel, Parquet or a frame."""

from __future__ import annotations

import os
from dataclasses import replace

import pandas as pd

from paritykit import columns as C
from paritykit.load.tables import read_raw_table
from paritykit.validate.benefits import BENEFITS_CONTRACT_NAME, DuplicatePolicy, validate_benefits

__all__ = ["BENEFITS_SHEET", "is_validated_benefits", "read_benefits"]

#: The sheet read from a workbook by default (falls back to the first sheet).
BENEFITS_SHEET = "Benefits"


def read_benefits(
    source: str | os.PathLike[str] | pd.DataFrame,
    *,
    sheet: str | None = None,
    duplicates: DuplicatePolicy = "raise",
) -> pd.DataFrame:
    """Load a benefits table and validate it against the benefits data contract.

    Every problem in the input is reported at once. Title rows above the header, merged cells,
    percentage-formatted cells and blank rows in Excel sheets are handled; blank rows are
    listed in ``attrs["blank_rows"]``.

    Parameters
    ----------
    source : path or pandas.DataFrame
        A ``.csv``, ``.xlsx`` or ``.parquet`` file, or a DataFrame with the contract's columns.
    sheet : str, optional
        Excel sheet to read; default ``"Benefits"`` when present, else the first sheet.
    duplicates : {"raise", "drop"}
        Rows that repeat an earlier row exactly are problems (default) or are dropped, with
        their row numbers kept in ``attrs["dropped_duplicates"]``.

    Returns
    -------
    pandas.DataFrame
        One row per benefit bucket and requirement type with the columns of
        ``paritykit.columns.BENEFITS_COLUMNS`` plus ``source_row`` (the row number the user
        sees in the source).

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
    ...     "plan_id": ["P1", "P1"], "classification": ["outpatient_in_network"] * 2,
    ...     "side": ["ms", "mhsud"], "benefit": ["Office visit", "Therapy visit"],
    ...     "requirement_type": ["copay", "copay"], "level": ["$25", 25],
    ...     "projected_payments": [1000, None]})
    >>> pk.read_benefits(table)[["side", "level", "coverage_unit"]]
        side  level coverage_unit
    0     ms   25.0     self_only
    1  mhsud   25.0     self_only
    """
    if isinstance(source, pd.DataFrame) and is_validated_benefits(source):
        # Validated once, but pandas keeps attrs through edits: check again, keeping the
        # original file name and row numbers for messages.
        raw = read_raw_table(source[[*C.BENEFITS_COLUMNS, C.SOURCE_ROW]])
        raw = replace(raw, file=str(source.attrs.get("source", raw.file)))
        revalidated = validate_benefits(raw, duplicates=duplicates)
        revalidated.attrs.update(
            {k: v for k, v in source.attrs.items() if k not in revalidated.attrs or k == "source"}
        )
        return revalidated
    raw = read_raw_table(
        source,
        expected_columns=C.BENEFITS_COLUMNS,
        sheet=sheet,
        preferred_sheet=BENEFITS_SHEET,
    )
    return validate_benefits(raw, duplicates=duplicates)


def is_validated_benefits(obj: object) -> bool:
    """Return True when ``obj`` is a table :func:`read_benefits` returned."""
    return (
        isinstance(obj, pd.DataFrame)
        and obj.attrs.get("paritykit_contract") == BENEFITS_CONTRACT_NAME
        and all(c in obj.columns for c in C.BENEFITS_COLUMNS)
    )

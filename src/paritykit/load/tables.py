"""Read a small tabular input (CSV, Excel, Parquet or a DataFrame) as the user laid it out.

Used for inputs a person edits by hand (benefit designs, NQTL inventories, plan facts), not for
claims files, which go through the engine. The reader keeps what validation needs to speak the
user's language: the spreadsheet row number of every record, the original header text, and the
cells' formats. It copes with title rows above the header, merged cells, blank rows and
percentage-formatted cells.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from paritykit.columns import SOURCE_ROW
from paritykit.errors import InputFileError
from paritykit.vocab import normalize_token

__all__ = ["RawTable", "read_raw_table"]

#: Rows scanned for the header line when a sheet has a title or notes above it.
HEADER_SEARCH_ROWS = 30
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet", ".pq")


@dataclass(frozen=True)
class RawTable:
    """A table as read, before validation.

    Attributes
    ----------
    frame : pandas.DataFrame
        Cells as read (strings, numbers, dates or ``None``), columns renamed to snake_case
        tokens, plus ``source_row``: the row number the user sees (spreadsheet row for CSV and
        Excel, 1-based record number for Parquet and data frames).
    file : str
        The input's name for messages.
    headers : dict
        Normalized column name -> header text as written in the file.
    header_row : int or None
        The spreadsheet row that held the header (None for Parquet and data frames).
    blank_rows : tuple of int
        Rows skipped because every cell was empty.
    sheet : str or None
        The Excel sheet read.
    """

    frame: pd.DataFrame
    file: str
    headers: dict[str, str]
    header_row: int | None
    blank_rows: tuple[int, ...]
    sheet: str | None = None


def read_raw_table(
    source: str | os.PathLike[str] | pd.DataFrame,
    *,
    expected_columns: tuple[str, ...] = (),
    sheet: str | None = None,
    preferred_sheet: str | None = None,
) -> RawTable:
    """Read ``source`` into a :class:`RawTable`.

    Parameters
    ----------
    source : path or DataFrame
        A ``.csv``/``.tsv``/``.txt``, ``.xlsx``/``.xlsm`` or ``.parquet`` file, or a DataFrame.
    expected_columns : tuple of str
        Contract column names; used to find the header row below any title rows.
    sheet : str, optional
        Excel sheet to read. Default: ``preferred_sheet`` when the workbook has it (matched
        case-insensitively), otherwise the first sheet.
    preferred_sheet : str, optional
        Sheet name to prefer when ``sheet`` is not given.

    Returns
    -------
    RawTable

    Raises
    ------
    InputFileError
        When the file does not exist, is empty, or has an unsupported suffix.
    """
    if isinstance(source, pd.DataFrame):
        return _from_frame(source, "<DataFrame>")
    path = Path(source)
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if path.is_dir():
        raise InputFileError(f"{path}: is a folder; expected a file ({', '.join(TABLE_SUFFIXES)})")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: the file is empty (0 bytes)")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _from_rows(_csv_rows(path), str(path), expected_columns, None)
    if suffix in (".xlsx", ".xlsm"):
        rows, sheet_name = _excel_rows(path, sheet, preferred_sheet)
        return _from_rows(rows, str(path), expected_columns, sheet_name)
    if suffix in (".parquet", ".pq"):
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types
            raise InputFileError(f"{path}: not a readable Parquet file ({exc})") from exc
        return _from_frame(frame, str(path))
    raise InputFileError(
        f"{path}: unsupported file type '{suffix}'; expected one of {', '.join(TABLE_SUFFIXES)}"
    )


def _from_frame(frame: pd.DataFrame, file: str) -> RawTable:
    headers = {normalize_token(c): str(c) for c in frame.columns}
    out = frame.copy()
    out.columns = [normalize_token(c) for c in frame.columns]
    out = out.astype(object).where(out.notna(), None)
    if SOURCE_ROW in out.columns and out[SOURCE_ROW].notna().all():
        out[SOURCE_ROW] = out[SOURCE_ROW].astype(int)  # rows of the file it was read from
    else:
        out[SOURCE_ROW] = range(1, len(out) + 1)
    return RawTable(out.reset_index(drop=True), file, headers, None, ())


def _csv_rows(path: Path) -> list[list[object]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise InputFileError(f"{path}: cannot decode the file as UTF-8 or Windows-1252 text")
    sample = text[:20000]
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    if path.suffix.lower() != ".tsv":
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _excel_rows(
    path: Path, sheet: str | None, preferred_sheet: str | None
) -> tuple[list[list[object]], str]:
    import openpyxl  # loading is I/O, not evidence writing

    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises several types on bad files
        raise InputFileError(f"{path}: not a readable Excel workbook ({exc})") from exc
    names = workbook.sheetnames
    by_lower = {n.lower(): n for n in names}
    if sheet is not None:
        if sheet.lower() not in by_lower:
            raise InputFileError(f"{path}: no sheet named '{sheet}'; the workbook has {names}")
        name = by_lower[sheet.lower()]
    elif preferred_sheet is not None and preferred_sheet.lower() in by_lower:
        name = by_lower[preferred_sheet.lower()]
    else:
        name = names[0]
    ws = workbook[name]
    rows: list[list[object]] = [
        [_excel_value(cell) for cell in row] for row in ws.iter_rows(min_row=1)
    ]
    # A merged range shows its value in every cell it covers, as the user sees it.
    for merged in ws.merged_cells.ranges:
        top_left = rows[merged.min_row - 1][merged.min_col - 1] if rows else None
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r - 1 < len(rows) and c - 1 < len(rows[r - 1]):
                    rows[r - 1][c - 1] = top_left
    return rows, name


def _excel_value(cell: object) -> object:
    value = getattr(cell, "value", None)
    fmt = str(getattr(cell, "number_format", "") or "")
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in fmt:
        # A cell shown as "20%" stores 0.2: read it as the text the user sees.
        percent = (Decimal(repr(value)) * 100).normalize()
        return f"{percent:f}%"
    return value


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _from_rows(
    rows: list[list[object]], file: str, expected: tuple[str, ...], sheet: str | None
) -> RawTable:
    header_index = _find_header(rows, expected)
    if header_index is None:
        raise InputFileError(f"{file}: no header row found (the file has no non-blank rows)")
    header = rows[header_index]
    width = max(
        (i + 1 for i, v in enumerate(header) if not _is_blank(v)),
        default=0,
    )
    names: list[str] = []
    headers: dict[str, str] = {}
    for i in range(width):
        text = "" if _is_blank(header[i]) else str(header[i]).strip()
        token = normalize_token(text) if text else f"unnamed_{i + 1}"
        while token in headers:  # keep duplicates visible instead of overwriting
            token += "_dup"
        names.append(token)
        headers[token] = text
    records: list[list[object]] = []
    source_rows: list[int] = []
    blank_rows: list[int] = []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        cells = (list(row) + [None] * width)[:width]
        cells = [None if _is_blank(v) else v for v in cells]
        if all(v is None for v in cells):
            blank_rows.append(offset)
            continue
        records.append(cells)
        source_rows.append(offset)
    # Blank rows after the last record are just the end of the sheet, not skipped data.
    last = source_rows[-1] if source_rows else header_index + 1
    blank_rows = [r for r in blank_rows if r < last]
    frame = pd.DataFrame(records, columns=names, dtype=object)
    frame[SOURCE_ROW] = source_rows
    return RawTable(frame, file, headers, header_index + 1, tuple(blank_rows), sheet)


def _find_header(rows: list[list[object]], expected: tuple[str, ...]) -> int | None:
    wanted = set(expected)
    best: tuple[int, int] | None = None  # (matches, index)
    first_non_blank: int | None = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [v for v in row if not _is_blank(v)]
        if not cells:
            continue
        if first_non_blank is None:
            first_non_blank = i
        matches = sum(1 for v in cells if normalize_token(v) in wanted)
        if matches and (best is None or matches > best[0]):
            best = (matches, i)
    if best is not None and best[0] >= min(2, len(wanted)):
        return best[1]
    return first_non_blank

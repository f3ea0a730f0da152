"""Read a small tabular input (CSV, Excel, Parquet or a DataFrame) as the user laid it out.

Used for inputs a person edits by hand (benefit designs, NQTL inventories, plan facts), not for
claims files, which go through the engine. The reader keeps what validation needs to speak the
user's language: the spreadsheet row number of every record, the original header text, and the
cells' formats. It copes with title rows above the header, merged cells, blank rows and
percentage-formatted cells.

Hostile or messy files get a message, never a traceback or a silent guess (see
``docs/troubleshooting.md``, "Reading files: encodings, sizes and sheets"): text is decoded by
:mod:`paritykit.load.text` (UTF-8, UTF-8 or UTF-16 with a byte-order mark, else cp1252 with a
note) within its size limits; a header that names one column twice is an error; hidden Excel
sheets are skipped unless named, and the sheet read is said in :attr:`RawTable.notes`; a
formula cell whose result was never saved is an error (openpyxl reads no value for it);
control characters in text cells are removed and the cells listed in the notes; a Parquet
file that does not end with its footer is reported as cut short.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from paritykit.columns import SOURCE_ROW
from paritykit.errors import PROBLEM_COLUMNS, DataValidationError, InputFileError, ParityKitWarning
from paritykit.load.text import read_csv_text
from paritykit.vocab import normalize_token

__all__ = [
    "CONTROL_CHARACTERS",
    "RawTable",
    "check_parquet_ends",
    "read_parquet_frame",
    "read_raw_table",
]

#: Characters removed from text cells: C0 controls other than tab and line breaks, DEL, C1
#: controls, zero-width spaces and joiners, and the byte-order mark.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff]")

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
    notes : tuple of str
        What the reader decided on the user's behalf: the sheet chosen (and hidden sheets
        skipped), an encoding other than UTF-8, control characters removed.
    """

    frame: pd.DataFrame
    file: str
    headers: dict[str, str]
    header_row: int | None
    blank_rows: tuple[int, ...]
    sheet: str | None = None
    notes: tuple[str, ...] = ()


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
        Excel sheet to read (hidden or not). Default: ``preferred_sheet`` when the workbook
        has it as a visible sheet (matched case-insensitively), else the first visible sheet
        whose name starts with ``preferred_sheet``, else the first visible sheet. Hidden sheets
        are never read by default; the choice is said in :attr:`RawTable.notes`.
    preferred_sheet : str, optional
        Sheet name to prefer when ``sheet`` is not given.

    Returns
    -------
    RawTable

    Raises
    ------
    InputFileError
        When the file does not exist, is empty, too large, cut short, not decodable, has an
        unsupported suffix, or a header naming one column twice.
    DataValidationError
        When Excel formula cells have no saved result (each cell listed).
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
        text = read_csv_text(path, delimiter="\t" if suffix == ".tsv" else None)
        rows: list[list[object]] = [list(r) for r in text.rows]
        return _from_rows(rows, str(path), expected_columns, None, text.notes)
    if suffix in (".xlsx", ".xlsm"):
        rows, sheet_name, notes = _excel_rows(path, sheet, preferred_sheet)
        return _from_rows(rows, str(path), expected_columns, sheet_name, notes)
    if suffix in (".parquet", ".pq"):
        return _from_frame(read_parquet_frame(path), str(path))
    raise InputFileError(
        f"{path}: unsupported file type '{suffix}'; expected one of {', '.join(TABLE_SUFFIXES)}"
    )


def _from_frame(frame: pd.DataFrame, file: str) -> RawTable:
    headers: dict[str, str] = {}
    for c in frame.columns:
        token = normalize_token(c)
        if token in headers:
            raise InputFileError(
                f"{file}: the columns {headers[token]!r} and {str(c)!r} both name the column "
                f"'{token}'. Each column must appear once; drop or rename one of them."
            )
        headers[token] = str(c)
    out = frame.copy()
    out.columns = [normalize_token(c) for c in frame.columns]
    out = out.astype(object).where(out.notna(), None)
    if SOURCE_ROW in out.columns and out[SOURCE_ROW].notna().all():
        out[SOURCE_ROW] = out[SOURCE_ROW].astype(int)  # rows of the file it was read from
    else:
        out[SOURCE_ROW] = range(1, len(out) + 1)
    return RawTable(out.reset_index(drop=True), file, headers, None, ())


def check_parquet_ends(
    path: str | os.PathLike[str], what: str = "Parquet file", *, label: str | None = None
) -> None:
    """Refuse a file that does not start and end with Parquet's ``PAR1`` magic bytes.

    Names a file cut short (no footer) or of another kind, instead of passing on the engine's
    error. ``label`` starts the messages (default: the path).

    Raises
    ------
    InputFileError
        Not a Parquet file, or cut short.
    """
    p = Path(path)
    name = label or str(p)
    size = p.stat().st_size
    with open(p, "rb") as handle:
        head = handle.read(4)
        handle.seek(max(size - 4, 0))
        tail = handle.read(4)
    if head != b"PAR1":
        raise InputFileError(
            f"{name}: not a Parquet file (it does not start with 'PAR1'); expected a {what}. "
            "Check "
            "the file's suffix, or export it as Parquet again."
        )
    if tail != b"PAR1" or size < 12:
        raise InputFileError(
            f"{name}: the Parquet file is cut short (it does not end with the Parquet footer "
            f"'PAR1'; {size:,} bytes); copy or export it again."
        )


def read_parquet_frame(path: str | os.PathLike[str], what: str = "Parquet file") -> pd.DataFrame:
    """Read a Parquet file into pandas, with a message (not a traceback) when it is not one.

    Parameters
    ----------
    path : path
    what : str
        What the file is, for messages ("claims table").

    Raises
    ------
    InputFileError
        Missing, empty, cut short (no ``PAR1`` footer) or otherwise unreadable.
    """
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"{p}: no such file; expected a {what}")
    if p.stat().st_size == 0:
        raise InputFileError(f"{p}: the file is empty (0 bytes); expected a {what}")
    check_parquet_ends(p, what)
    try:
        return pd.read_parquet(p)
    except Exception as exc:  # pyarrow raises several types (ArrowInvalid, OSError, ...)
        first = " ".join(str(exc).split())[:300]
        raise InputFileError(f"{p}: not a readable Parquet file ({first})") from exc


def _choose_sheet(
    workbook: object, path: Path, sheet: str | None, preferred_sheet: str | None
) -> tuple[str, list[str]]:
    names: list[str] = list(workbook.sheetnames)  # type: ignore[attr-defined]
    hidden = [n for n in names if workbook[n].sheet_state != "visible"]  # type: ignore[index]
    visible = [n for n in names if n not in hidden]
    by_lower = {n.lower(): n for n in names}
    notes: list[str] = []
    if sheet is not None:
        if sheet.lower() not in by_lower:
            raise InputFileError(f"{path}: no sheet named '{sheet}'; the workbook has {names}")
        name = by_lower[sheet.lower()]
        if name in hidden:
            notes.append(f"{path}: read sheet '{name}' as asked (it is hidden in the workbook)")
        return name, notes
    if not visible:
        raise InputFileError(
            f"{path}: every sheet of the workbook is hidden ({names}); unhide the sheet to read "
            "or name it with sheet= (--sheet)."
        )
    name = None
    if preferred_sheet is not None:
        want = preferred_sheet.lower()
        exact = [n for n in visible if n.lower() == want]
        prefixed = [n for n in visible if n.lower().startswith(want)]
        name = (exact or prefixed or [None])[0]
    name = name or visible[0]
    skipped = [
        n for n in hidden if preferred_sheet and n.lower().startswith(preferred_sheet.lower())
    ]
    note = f"{path}: read sheet '{name}'"
    if hidden:
        note += f"; hidden sheet(s) {hidden} skipped (pass sheet= or --sheet to read one)"
    notes.append(note)
    if skipped:
        warnings.warn(
            f"{path}: sheet {skipped[0]!r} is hidden and was not read; read the visible sheet "
            f"'{name}' instead (pass sheet={skipped[0]!r} to read the hidden one).",
            ParityKitWarning,
            stacklevel=4,
        )
    return name, notes


def _excel_rows(
    path: Path, sheet: str | None, preferred_sheet: str | None
) -> tuple[list[list[object]], str, tuple[str, ...]]:
    import openpyxl  # loading is I/O, not evidence writing

    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises several types on bad files
        first = " ".join(str(exc).split())[:300]
        hint = ""
        if "zip" in first.lower() or "truncated" in first.lower():
            hint = "; the file is not a complete .xlsx (it may be cut short, or not a workbook)"
        raise InputFileError(f"{path}: not a readable Excel workbook ({first}){hint}") from exc
    name, notes = _choose_sheet(workbook, path, sheet, preferred_sheet)
    ws = workbook[name]
    rows: list[list[object]] = [
        [_excel_value(cell) for cell in row] for row in ws.iter_rows(min_row=1)
    ]
    if any(v is None for row in rows for v in row):
        _check_formulas(path, name, rows)
    # A merged range shows its value in every cell it covers, as the user sees it.
    for merged in ws.merged_cells.ranges:
        top_left = rows[merged.min_row - 1][merged.min_col - 1] if rows else None
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r - 1 < len(rows) and c - 1 < len(rows[r - 1]):
                    rows[r - 1][c - 1] = top_left
    return rows, name, tuple(notes)


def _check_formulas(path: Path, sheet: str, rows: list[list[object]]) -> None:
    """Raise when formula cells have no saved result (openpyxl then reads None for them)."""
    import openpyxl

    formulas = openpyxl.load_workbook(path, data_only=False)[sheet]
    problems = []
    for row in formulas.iter_rows(min_row=1):
        for cell in row:
            value = cell.value
            is_formula = cell.data_type == "f" or (isinstance(value, str) and value.startswith("="))
            r, c = cell.row - 1, cell.column - 1
            if is_formula and r < len(rows) and c < len(rows[r]) and rows[r][c] is None:
                problems.append(
                    {
                        "file": str(path),
                        "row": cell.row,
                        "column": cell.coordinate,
                        "value": str(getattr(value, "text", value)),
                        "problem": "formula without a saved result (the workbook was written "
                        "by a program and never recalculated)",
                        "expected": "a value: open the workbook in Excel or LibreOffice and save "
                        "it, or type the values",
                    }
                )
    if problems:
        shown = ", ".join(f"{p['column']} {p['value']}" for p in problems[:5])
        more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise DataValidationError(
            f"{path}: sheet '{sheet}': {len(problems)} formula cell(s) have no saved result "
            f"({shown}{more}); paritykit reads the results Excel saves, not formulas. Open the "
            "workbook in Excel or LibreOffice and save it (so results are stored), or type the "
            "values.",
            pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS)),
        )


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
    rows: list[list[object]],
    file: str,
    expected: tuple[str, ...],
    sheet: str | None,
    notes: tuple[str, ...] = (),
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
    where: dict[str, int] = {}
    for i in range(width):
        text = "" if _is_blank(header[i]) else CONTROL_CHARACTERS.sub("", str(header[i])).strip()
        token = normalize_token(text) if text else f"unnamed_{i + 1}"
        if token in headers:
            raise InputFileError(
                f"{file}: the header row (row {header_index + 1}) names the column "
                f"'{token}' twice: {headers[token]!r} in column {_column_letter(where[token])} "
                f"and {text!r} in column {_column_letter(i)}. Each column must appear once; "
                "delete or rename one of them."
            )
        names.append(token)
        headers[token] = text
        where[token] = i
    records: list[list[object]] = []
    source_rows: list[int] = []
    blank_rows: list[int] = []
    cleaned: list[str] = []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        cells = (list(row) + [None] * width)[:width]
        for i, v in enumerate(cells):
            if isinstance(v, str) and CONTROL_CHARACTERS.search(v):
                cells[i] = CONTROL_CHARACTERS.sub("", v)
                cleaned.append(f"row {offset} column '{names[i]}'")
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
    all_notes = list(notes)
    if cleaned:
        shown = "; ".join(cleaned[:10]) + (
            f"; and {len(cleaned) - 10} more" if len(cleaned) > 10 else ""
        )
        all_notes.append(
            f"{file}: removed control characters (invisible characters such as NUL, escape or "
            f"zero-width spaces) from {len(cleaned)} cell(s): {shown}"
        )
    for note in all_notes:
        if "read sheet" not in note:
            warnings.warn(note, ParityKitWarning, stacklevel=4)
    return RawTable(
        frame, file, headers, header_index + 1, tuple(blank_rows), sheet, tuple(all_notes)
    )


def _column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based index (0 -> A, 26 -> AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


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

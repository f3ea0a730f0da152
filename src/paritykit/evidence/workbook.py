"""Write evidence workbooks with openpyxl: formatted tables, exhibits, charts. No statistics.

The caller prepares every number; this module only lays tables out: real Excel number formats
chosen by column name (percentages, dollars, ratios, p-values, counts), frozen header rows,
column widths, conditional formatting on ``flagged`` and ``compliant`` columns, native Excel bar
charts and embedded PNG images. Every text (titles, notes, headers, cells) goes through
:func:`paritykit.safety.excel_text`: text that could run as a formula is escaped and stored as
text, and control characters Excel cannot hold are removed (the sheet says how many). Suppressed
cells (see :mod:`paritykit.privacy`) are written as
the text ``"<11"`` (counts) or ``"suppressed"`` (derived values), so they say so.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from paritykit._atomic import atomic_path
from paritykit.privacy import COMPLEMENTARY, SUPPRESSED
from paritykit.safety import excel_text

__all__ = ["NativeBarChart", "SheetSpec", "TableSpec", "number_format_for", "write_workbook"]

PERCENT = "0.0%"
DOLLARS = '"$"#,##0'
DOLLARS_CENTS = '"$"#,##0.00'
RATIO = "0.00"
P_VALUE = '[<0.0001]"<0.0001";0.0000'
COUNT = "#,##0"
HEADER_FILL = "1F4E79"
FLAG_FILL = "F8CBAD"
PASS_FILL = "E2EFDA"
MAX_WIDTH = 60


@dataclass(frozen=True)
class NativeBarChart:
    """A native Excel clustered bar chart over a table's rows.

    Attributes
    ----------
    categories : str
        Column with the category labels.
    values : tuple of str
        Columns plotted as series (one colour each).
    title, y_title : str
        Chart and value-axis titles.
    percent : bool
        Format the value axis as percentages.
    """

    categories: str
    values: tuple[str, ...]
    title: str
    y_title: str
    percent: bool = True


@dataclass(frozen=True)
class TableSpec:
    """One table on a sheet: a caption above it and the frame itself.

    ``cell_formats`` overrides the column's number format row by row, for a column whose unit
    depends on the row (a rate on one row, dollars per claim on the next): column name -> one
    Excel format (or None: the column's own) per row of ``frame``.
    """

    frame: pd.DataFrame
    caption: str = ""
    chart: NativeBarChart | None = None
    count_columns: tuple[str, ...] = ()
    cell_formats: Mapping[str, Sequence[str | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetSpec:
    """One sheet: title, exhibit label, explanatory notes, tables and images."""

    name: str
    title: str
    exhibit: str | None = None
    notes: tuple[str, ...] = ()
    tables: tuple[TableSpec, ...] = ()
    images: tuple[Path, ...] = field(default_factory=tuple)
    wrap_columns: tuple[str, ...] = ()


def number_format_for(column: str) -> str | None:
    """Return the Excel number format for a tidy column name (None: general).

    Examples
    --------
    >>> number_format_for("denial_rate"), number_format_for("p_adjusted")
    ('0.0%', '[<0.0001]"<0.0001";0.0000')
    """
    name = column.lower()
    if name in ("p_value", "p_adjusted") or name.startswith("p_value") or name.endswith("_p_value"):
        return P_VALUE
    if "ratio" in name:
        return RATIO
    if (
        name.endswith(("_rate", "_share", "_rate_low", "_rate_high"))
        or name.startswith(("share_", "rate_difference"))
        or name in ("subject_share", "cumulative_share", "threshold")
    ):
        return PERCENT
    if "payments" in name or "amount" in name:
        return DOLLARS
    if (
        name
        in (
            "claims",
            "claim_lines",
            "denied",
            "lines",
            "count",
            "events",
            "trials",
            "mhsud_events",
            "mhsud_trials",
            "ms_events",
            "ms_trials",
            "excluded_lines",
        )
        or name.startswith(("denied_", "prior_auth_", "out_of_network_"))
        or name.endswith(
            ("_claims", "_claim_lines", "_denied", "_events", "_trials", "_requests", "_lines")
        )
    ):
        return COUNT
    return None


def _cell_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return str(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, list | tuple | dict | set):
        return ", ".join(map(str, value)) if not isinstance(value, dict) else str(value)
    return value


def _put(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write one cell safely: never a formula, never a character Excel cannot store."""
    safe, removed = excel_text(value)
    cell = ws.cell(row=row, column=column, value=safe)
    if isinstance(safe, str):
        cell.data_type = "s"  # text, even when a spreadsheet would otherwise parse it
    if removed:
        ws.parent._paritykit_removed[ws.title] = (
            ws.parent._paritykit_removed.get(ws.title, 0) + removed
        )
    return cell


def _label(column: str) -> str:
    return column.replace("_", " ")


def write_workbook(
    sheets: Sequence[SheetSpec], path: str | os.PathLike[str], *, banner: str = ""
) -> Path:
    """Write ``sheets`` to an ``.xlsx`` file atomically and return its path.

    Parameters
    ----------
    sheets : sequence of SheetSpec
        Sheets in order.
    path : path
        Target file; a failure leaves no partial file.
    banner : str, optional
        A context line (plan, period, data covered) written first under every sheet's title.

    Returns
    -------
    pathlib.Path
    """
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook._paritykit_removed = {}  # sheet title -> control characters removed
    if banner:
        from dataclasses import replace

        sheets = [replace(spec, notes=(banner, *spec.notes)) for spec in sheets]
    for spec in sheets:
        _write_sheet(workbook.create_sheet(_sheet_title(spec.name)), spec)
    with atomic_path(path) as tmp:
        workbook.save(tmp)
    return Path(path)


def _sheet_title(name: str) -> str:
    """A sheet name Excel accepts: no ``[]:*?/\\`` or control characters, at most 31."""
    import re

    from paritykit.safety import strip_control

    return re.sub(r"[\[\]:*?/\\]", "_", strip_control(name))[:31].strip("'") or "Sheet"


def _write_sheet(ws: Any, spec: SheetSpec) -> None:
    from openpyxl.styles import Alignment, Font

    # Print (and PDF export) one page wide, landscape, with the title rows repeated.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    title = f"{spec.exhibit}: {spec.title}" if spec.exhibit else spec.title
    _put(ws, 1, 1, title).font = Font(bold=True, size=14)
    row = 2
    for note in spec.notes:
        cell = _put(ws, row, 1, note)
        cell.font = Font(italic=True, color="404040")
        row += 1
    row += 1
    widths: dict[int, float] = {}
    first_header: int | None = None
    for table in spec.tables:
        if table.caption:
            _put(ws, row, 1, table.caption).font = Font(bold=True, size=12)
            row += 1
        header_row = row
        first_header = first_header or header_row
        row = _write_table(ws, table, header_row, widths, spec.wrap_columns)
        if table.chart is not None and len(table.frame):
            _add_bar_chart(ws, table, header_row, row - 1)
            row += 18
        row += 2
    removed = ws.parent._paritykit_removed.get(ws.title, 0)
    if removed:
        cell = _put(
            ws,
            row,
            1,
            f"Note: {removed} control character(s) were removed from the text on this sheet "
            "(a spreadsheet cannot store them).",
        )
        cell.font = Font(italic=True, color="404040")
    for col, width in widths.items():
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = width
    for col_name in spec.wrap_columns:
        for table in spec.tables:
            if col_name in table.frame.columns:
                idx = list(table.frame.columns).index(col_name) + 1
                letter = ws.cell(row=1, column=idx).column_letter
                ws.column_dimensions[letter].width = MAX_WIDTH + 20
                for cells in ws.iter_rows(min_col=idx, max_col=idx, min_row=first_header or 1):
                    cell = cells[0]
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                    # Viewers do not all grow rows for wrapped text: size the row ourselves.
                    lines = math.ceil(len(str(cell.value or "")) / (MAX_WIDTH + 14))
                    if lines > 1:
                        current = ws.row_dimensions[cell.row].height or 15
                        ws.row_dimensions[cell.row].height = max(current, 15 * lines)
    if first_header is not None and len(spec.tables) == 1:
        ws.freeze_panes = ws.cell(row=first_header + 1, column=1)
    anchor_col = max(widths, default=1) + 2
    image_row = 3
    for image in spec.images:
        from openpyxl.drawing.image import Image

        picture = Image(str(image))
        scale = min(1.0, 720 / max(picture.width, 1))
        picture.width, picture.height = picture.width * scale, picture.height * scale
        letter = ws.cell(row=1, column=anchor_col).column_letter
        ws.add_image(picture, f"{letter}{image_row}")
        image_row += int(picture.height / 20) + 2


def _write_table(
    ws: Any, table: TableSpec, header_row: int, widths: dict[int, float], wrap: tuple[str, ...]
) -> int:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Font, PatternFill

    frame = table.frame
    complementary = [""] * len(frame)
    if COMPLEMENTARY in frame.columns:  # hidden to protect another cell: 0 or >= 11, not "<11"
        complementary = frame[COMPLEMENTARY].fillna("").astype(str).tolist()
        frame = frame.drop(columns=COMPLEMENTARY)
    columns = list(frame.columns)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for j, name in enumerate(columns, start=1):
        cell = _put(ws, header_row, j, _label(str(name)))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        widths[j] = max(widths.get(j, 8), min(len(str(name)) + 2, 24))
    suppressed = (
        frame[SUPPRESSED].fillna("").astype(str).tolist()
        if SUPPRESSED in frame.columns
        else [""] * len(frame)
    )
    formats = {name: number_format_for(str(name)) for name in columns}
    counts = set(table.count_columns) | {n for n, f in formats.items() if f == COUNT}
    for i, record in enumerate(frame.itertuples(index=False), start=1):
        hidden = {s.strip() for s in suppressed[i - 1].split(",") if s.strip()}
        extra = {s.strip() for s in complementary[i - 1].split(",") if s.strip()}
        for j, (name, value) in enumerate(zip(columns, record, strict=True), start=1):
            out = _cell_value(value)
            if name in hidden:
                out = "<11" if name in counts and name not in extra else "suppressed"
            cell = _put(ws, header_row + i, j, out)
            out = cell.value
            cell.alignment = Alignment(vertical="top")
            fmt = formats[name]
            if name in table.cell_formats:
                fmt = table.cell_formats[name][i - 1] or fmt
            if fmt and isinstance(out, int | float) and not isinstance(out, bool):
                cell.number_format = fmt
            if name not in wrap:
                text = (
                    f"{out:,.4f}" if isinstance(out, float) else str(out if out is not None else "")
                )
                widths[j] = min(max(widths.get(j, 8), len(text) + 2), MAX_WIDTH)
    last = header_row + len(frame)
    if len(frame):
        ws.auto_filter.ref = (
            f"A{header_row}:{ws.cell(row=last, column=len(columns)).column_letter}{last}"
        )
    for name, bad in (("flagged", "TRUE"), ("compliant", "FALSE")):
        if name in columns and len(frame):
            letter = ws.cell(row=1, column=columns.index(name) + 1).column_letter
            end = ws.cell(row=last, column=len(columns)).column_letter
            rng = f"A{header_row + 1}:{end}{last}"
            ws.conditional_formatting.add(
                rng,
                FormulaRule(
                    formula=[f"${letter}{header_row + 1}={bad}"],
                    fill=PatternFill("solid", fgColor=FLAG_FILL, bgColor=FLAG_FILL),
                ),
            )
    return last + 1


def _add_bar_chart(ws: Any, table: TableSpec, header_row: int, last_row: int) -> None:
    from openpyxl.chart import BarChart, Reference

    spec = table.chart
    if spec is None:  # pragma: no cover - checked by the caller
        return
    columns = list(table.frame.columns)
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = spec.title
    chart.y_axis.title = spec.y_title
    chart.height, chart.width = 10, 26
    for name in spec.values:
        col = columns.index(name) + 1
        data = Reference(ws, min_col=col, min_row=header_row, max_row=last_row)
        chart.add_data(data, titles_from_data=True)
    cat_col = columns.index(spec.categories) + 1
    chart.set_categories(Reference(ws, min_col=cat_col, min_row=header_row + 1, max_row=last_row))
    if spec.percent:
        chart.y_axis.number_format = "0%"
        chart.y_axis.numFmt = None
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    for series, colour in zip(chart.series, ("0072B2", "E69F00"), strict=False):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = "000000"
    ws.add_chart(chart, f"A{last_row + 2}")

"""Write evidence workbooks with openpyxl: formatted tables, exhibits, charts. No statistics.

The caller prepares every number; this module only lays tables out, the same way in every
workbook paritykit writes (the evidence pack, the payer scorecard, the issuer workbook, the
appeal deadline list):

- **Labels on screen, codes beside them.** Column headers read as words ("Adjusted p-value",
  "MH/SUD rate"); a column of coded values (``outpatient_in_network``, ``warning_sign``) shows
  labels ("Outpatient, in network", "Warning sign", :func:`paritykit.vocab.label_for`) and its
  codes stay in a column headed "... (code)" at the right end of the sheet, after one blank
  column and outside the print area. QTL levels read with their unit ("$20 copay",
  :func:`paritykit.vocab.level_label`); the number stays in a "(number)" column there.
- **A number format for every number**: percentages, dollars, ratios with two decimals, days
  with one, counts with thousands separators, p-values, dates (:func:`number_format_for`;
  ``TableSpec.cell_formats`` for a unit that depends on the row).
- **Markers in their own cells.** Suppressed cells (see :mod:`paritykit.privacy`) hold the text
  ``"<11"`` (counts) or ``"suppressed"`` (derived values), right-aligned like the numbers they
  replace, in grey.
- **Screen and paper.** Frozen header rows (and identifying columns), a filter on the table,
  long text wrapped; landscape pages at 100% (a wide table continues on further pages instead
  of shrinking; nothing is under 8 pt), the header row and identifying columns repeated on
  every page, page numbers and the sheet name in the footer, a running head (plan and date).
- **Charts on their own sheets**: native Excel bar charts and PNG images go to a sheet named
  "<sheet> chart" (or to the sheet ``SheetSpec.chart_sheet`` names), one per page.
- **Readable by programs too**: a hidden row above each header holds the tidy column names;
  :func:`read_tables` returns the tables as DataFrames with those names.

Every text (titles, notes, headers, cells) goes through :func:`paritykit.safety.excel_text`:
text that could run as a formula is escaped and stored as text, and control characters Excel
cannot hold are removed (the sheet says how many).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from paritykit import vocab
from paritykit._atomic import atomic_path
from paritykit.privacy import COMPLEMENTARY, SUPPRESSED
from paritykit.safety import excel_text

__all__ = [
    "NativeBarChart",
    "SheetSpec",
    "TableSpec",
    "number_format_for",
    "read_tables",
    "write_workbook",
]

PERCENT = "0.0%"
DOLLARS = '"$"#,##0'
DOLLARS_CENTS = '"$"#,##0.00'
RATIO = "0.00"
DECIMAL = "#,##0.00"
DAYS = "#,##0.0"
P_VALUE = '[<0.0001]"<0.0001";0.0000'
COUNT = "#,##0"
DATE = "yyyy-mm-dd"
BOOLEAN = '"TRUE";"TRUE";"FALSE"'
#: Formats of a QTL level by requirement type (the level is in the requirement's own unit).
LEVEL_FORMATS: Final[dict[str, str]] = {
    "copay": DOLLARS_CENTS,
    "deductible": DOLLARS,
    "out_of_pocket_max": DOLLARS,
    "coinsurance": '0.##"%"',
    "day_limit": COUNT,
    "visit_limit": COUNT,
}
HEADER_FILL = "1F4E79"
CODE_FILL = "7F7F7F"
FLAG_FILL = "F8CBAD"
PASS_FILL = "E2EFDA"
MARKER_COLOUR = "595959"
#: Sizes in points: nothing on paper is under 8 pt (pages print at 100%).
TITLE_SIZE, CAPTION_SIZE, BODY_SIZE, FOOTER_SIZE = 14, 12, 10, 9
#: Widths in Excel's character units: a text column wraps beyond ``TEXT_WIDTH``; a column named
#: in ``SheetSpec.wrap_columns`` is ``WRAP_WIDTH`` wide; a landscape letter page holds about
#: ``PAGE_WIDTH`` at 100% with half-inch margins.
#: ``PAGE_WIDTH`` is measured with LibreOffice's fallback fonts (wider than Calibri).
TEXT_WIDTH, WRAP_WIDTH, PAGE_WIDTH = 18, 40, 98
#: Points per line of wrapped 10 pt text.
LINE_HEIGHT = 12.5
FONT_NAME = "Calibri"
MAX_WIDTH = WRAP_WIDTH  # kept for callers of the earlier module
#: Columns whose text is shown exactly as given: identifiers, file names, hashes, commands.
VERBATIM_COLUMNS: Final[frozenset[str]] = frozenset(
    {
        "plan_id",
        "claim_id",
        "procedure_code",
        "diagnosis_code",
        "revenue_code",
        "denial_reason",
        "source_file",
        "file",
        "sha256",
        "issuer_id",
        "issuer_name",
        "issuer",
        "ruleset_version",
        "benefit",
    }
)
#: Text columns whose codes inside sentences are replaced by labels as well.
HUMANIZE_COLUMNS: Final[frozenset[str]] = frozenset(
    {
        "note",
        "detail",
        "reason",
        "test",
        "method",
        "notice_date_source",
        "all_reasons",
        "next_step",
        "external_review_window",
        "deadline_status",
        "value",
        "item",
    }
)
#: Text columns whose cells start with a capital letter on screen.
SENTENCE_COLUMNS: Final[frozenset[str]] = frozenset(
    {"item", "reason", "note", "detail", "method", "test", "input", "action"}
)
#: Columns that identify a row: frozen on screen and repeated on every printed page.
ID_COLUMNS: Final[frozenset[str]] = frozenset(
    {"cell", "plan_id", "classification", "side", "issuer_name", "claim_id", "state", "scope"}
)
_CODE_LIST = re.compile(r"^[a-z][a-z0-9_]*(?:[;,] ?[a-z][a-z0-9_]*)*$")


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

    Attributes
    ----------
    frame : pandas.DataFrame
        The tidy table, with the column names of :mod:`paritykit.columns`.
    caption : str
        A line above the table.
    chart : NativeBarChart, optional
        A native chart of the table's rows (drawn on the chart sheet).
    count_columns : tuple of str
        Columns holding counts (a suppressed count shows ``<11``) beyond those the column
        name says.
    cell_formats : mapping
        Overrides the column's number format row by row, for a column whose unit depends on
        the row (a rate on one row, dollars per claim on the next): column name -> one Excel
        format (or None: the column's own) per row of ``frame``.
    code_columns : tuple of str, optional
        Columns of coded values shown as labels (their codes kept at the right end). None:
        every text column whose values are all codes.
    level_columns : mapping
        QTL level column -> the column with its requirement type: the level reads with its
        unit ("$20 copay"), the number is kept at the right end.
    verbatim_columns : tuple of str
        Text columns shown exactly as given (beyond :data:`VERBATIM_COLUMNS`).
    """

    frame: pd.DataFrame
    caption: str = ""
    chart: NativeBarChart | None = None
    count_columns: tuple[str, ...] = ()
    cell_formats: Mapping[str, Sequence[str | None]] = field(default_factory=dict)
    code_columns: tuple[str, ...] | None = None
    level_columns: Mapping[str, str] = field(default_factory=dict)
    verbatim_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    """One sheet: title, exhibit label, explanatory notes, tables and images.

    ``chart_sheet`` names the sheet that holds this sheet's charts and images (another sheet
    of the workbook, or a new one); by default a sheet "<name> chart" right after this one.
    A sheet without tables shows its images itself.
    """

    name: str
    title: str
    exhibit: str | None = None
    notes: tuple[str, ...] = ()
    tables: tuple[TableSpec, ...] = ()
    images: tuple[Path, ...] = field(default_factory=tuple)
    wrap_columns: tuple[str, ...] = ()
    chart_sheet: str | None = None
    wrap_width: float = WRAP_WIDTH


def number_format_for(column: str) -> str | None:
    """Return the Excel number format for a tidy column name (None: decided by the value).

    Examples
    --------
    >>> number_format_for("denial_rate"), number_format_for("p_adjusted")
    ('0.0%', '[<0.0001]"<0.0001";0.0000')
    >>> number_format_for("decision_days_mean"), number_format_for("allowed_per_unit")
    ('#,##0.0', '"$"#,##0.00')
    """
    name = column.lower()
    if (
        name in ("p_value", "p_adjusted")
        or name.startswith(("p_value", "p_"))
        or name.endswith("_p_value")
    ):
        return P_VALUE
    if "ratio" in name or name in ("estimate", "low", "high", "statistic"):
        return RATIO
    if name == "days_left":
        return COUNT
    if "days" in name:
        return DAYS
    if (
        name.endswith(("_rate", "_share", "_rate_low", "_rate_high", "_ci_low", "_ci_high"))
        or name.startswith(("share_", "rate_difference", "bh_share"))
        or name
        in (
            "subject_share",
            "cumulative_share",
            "threshold",
            "predominant_threshold",
            "ci_low",
            "ci_high",
            "paid_to_allowed",
            "alpha",
        )
    ):
        return PERCENT
    if name.endswith("_per_unit") or name.startswith(("paid_amount_", "allowed_amount_")):
        return DOLLARS_CENTS
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
            "bytes",
            "rank",
            "df",
            "issuers",
            "enrollment",
        )
        or name.startswith(("denied_", "prior_auth_", "out_of_network_", "claims_", "mn_denials"))
        or name.endswith(
            (
                "_claims",
                "_claim_lines",
                "_denied",
                "_events",
                "_trials",
                "_requests",
                "_lines",
                "_rank",
                "_filed",
                "_overturned",
                "_received",
                "_in_state",
                "_mn",
                "_n",
            )
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
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return str(value)
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


def _font(**kwargs: Any) -> Any:
    from openpyxl.styles import Font

    return Font(name=FONT_NAME, **{"size": BODY_SIZE, **kwargs})


def _label(column: str) -> str:
    return vocab.column_label(column)


# --- the layout of one table -----------------------------------------------------------------
@dataclass
class _Column:
    """One column as shown: its tidy key, header, cell values and number formats."""

    key: str
    header: str
    values: list[Any]
    formats: list[str | None]
    markers: list[bool]
    wrap: bool = False
    machine: bool = False
    width: float = 8.0
    longest: int = 0


@dataclass
class _Table:
    spec: TableSpec
    shown: list[_Column]
    machine: list[_Column]
    n_rows: int


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _code_like(values: list[Any]) -> bool:
    texts = [v for v in values if v is not None and v != ""]
    return bool(texts) and all(isinstance(v, str) and _CODE_LIST.match(v) for v in texts)


def _label_cell(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    parts = re.split(r"([;,] ?)", value)
    if len(parts) > 1:
        return "".join(p if i % 2 else _sentence(vocab.label_for(p)) for i, p in enumerate(parts))
    return _sentence(vocab.label_for(value))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _humanize(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if vocab.is_code(value):
        return vocab.label_for(value)
    out = vocab.humanize_text(value)
    return _sentence(out) if out != value and vocab.CODE_PATTERN.match(value.split()[0]) else out


def _layout(table: TableSpec, wrap: tuple[str, ...]) -> _Table:
    frame = table.frame
    complementary = [set() for _ in range(len(frame))]
    if COMPLEMENTARY in frame.columns:  # hidden to protect another cell: 0 or >= 11, not "<11"
        complementary = [
            {s.strip() for s in str(v or "").split(",") if s.strip()}
            for v in frame[COMPLEMENTARY].fillna("").astype(str)
        ]
        frame = frame.drop(columns=COMPLEMENTARY)
    names = [str(c) for c in frame.columns]
    n = len(frame)
    raw = {
        name: [_cell_value(v) for v in frame.iloc[:, j].tolist()] for j, name in enumerate(names)
    }
    hidden_rows = (
        [{s.strip() for s in str(h or "").split(",") if s.strip()} for h in raw[SUPPRESSED]]
        if SUPPRESSED in raw
        else [set() for _ in range(n)]
    )
    verbatim = VERBATIM_COLUMNS | set(table.verbatim_columns)
    formats = {name: number_format_for(name) for name in names}
    counts = set(table.count_columns) | {k for k, f in formats.items() if f == COUNT}
    if table.code_columns is None:
        codes = {
            name
            for name in names
            if name not in verbatim and name != SUPPRESSED and _code_like(raw[name])
        }
    else:
        codes = set(table.code_columns)
    shown: list[_Column] = []
    machine: list[_Column] = []
    for name in names:
        values = raw[name]
        markers = [False] * n
        out: list[Any] = list(values)
        for i, hidden in enumerate(hidden_rows):
            if name in hidden:
                small = name in counts and name not in complementary[i]
                out[i] = "<11" if small else "suppressed"
                markers[i] = True
        cell_fmt = [
            (table.cell_formats.get(name, [None] * n)[i] or formats[name]) for i in range(n)
        ]
        if name == SUPPRESSED:
            # the cells say "<11" or "suppressed" themselves; the list is kept for programs
            machine.append(_machine(name, values, [None] * n, suffix="(columns)"))
            continue
        if name in table.level_columns:
            kinds = raw.get(table.level_columns[name], [None] * n)
            text = [
                o if m else (None if v is None and k is None else vocab.level_label(k, v))
                for o, v, k, m in zip(out, values, kinds, markers, strict=True)
            ]
            shown.append(_Column(f"{name}_label", _label(name), text, [None] * n, markers))
            level_fmt = [LEVEL_FORMATS.get(str(k), DECIMAL) for k in kinds]
            machine.append(_machine(name, out, level_fmt, suffix="(number)", markers=markers))
            continue
        if name in codes:
            labels = [o if m else _label_cell(o) for o, m in zip(out, markers, strict=True)]
            shown.append(_Column(f"{name}_label", _label(name), labels, [None] * n, markers))
            machine.append(_machine(name, out, [None] * n, markers=markers))
            continue
        if name not in verbatim:
            out = [
                o if m else (_humanize(o) if name in HUMANIZE_COLUMNS or vocab.is_code(o) else o)
                for o, m in zip(out, markers, strict=True)
            ]
            if name in SENTENCE_COLUMNS:
                out = [_sentence(o) if isinstance(o, str) else o for o in out]
        column = _Column(name, _label(name), out, cell_fmt, markers)
        column.wrap = name in wrap
        shown.append(column)
    for column in (*shown, *machine):
        _measure(column)
    return _Table(table, shown, machine, n)


def _machine(
    name: str,
    values: list[Any],
    formats: list[str | None],
    *,
    suffix: str = "(code)",
    markers: list[bool] | None = None,
) -> _Column:
    return _Column(
        name,
        f"{_label(name)} {suffix}",
        list(values),
        formats,
        markers or [False] * len(values),
        machine=True,
    )


def _number_text(value: float, fmt: str | None) -> str:
    if fmt == PERCENT:
        return f"{100 * value:.1f}%"
    if fmt in (DOLLARS, DOLLARS_CENTS):
        return f"${value:,.2f}"
    if fmt == P_VALUE:
        return "0.0000"
    if fmt == COUNT:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _measure(column: _Column) -> None:
    """Set the column's width from its header and values; long text wraps."""
    longest = 0
    for value, fmt in zip(column.values, column.formats, strict=True):
        if value is None:
            continue
        if _is_number(value):
            longest = max(longest, len(_number_text(float(value), fmt)))
        elif isinstance(value, dt.date | dt.datetime):
            longest = max(longest, 10)
        else:
            longest = max(longest, max((len(p) for p in str(value).split("\n")), default=0))
    words = max((len(w) for w in column.header.split()), default=4)
    header = min(len(column.header), 10)
    column.longest = longest
    width = max(longest, words, header, 6) + 2
    if column.wrap:
        column.width = WRAP_WIDTH
    elif width > TEXT_WIDTH and not column.machine:
        column.width, column.wrap = TEXT_WIDTH, True
    else:
        column.width = min(width, WRAP_WIDTH)


def _lines(text: str, width: float, *, bold: bool = False) -> int:
    per_line = max(width * (0.95 if bold else 1.15) - 1, 4)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


# --- workbook -------------------------------------------------------------------------------
def write_workbook(
    sheets: Sequence[SheetSpec],
    path: str | os.PathLike[str],
    *,
    running_head: str = "",
    banner: str = "",
) -> Path:
    """Write ``sheets`` to an ``.xlsx`` file atomically and return its path.

    Parameters
    ----------
    sheets : sequence of SheetSpec
        Sheets in order (chart sheets are added after the sheet whose charts they hold).
    path : path
        Target file; a failure leaves no partial file.
    running_head : str
        Printed at the top of every page (for example the plan and the date prepared).
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
    names = {spec.name for spec in sheets}
    pending: dict[str, list[tuple[str, Any]]] = {}
    for spec in sheets:
        ws = workbook.create_sheet(_sheet_title(spec.name))
        charts = pending.pop(spec.name, []) + _write_sheet(ws, spec, running_head)
        if not spec.tables:
            _place_charts(ws, charts, spec, running_head, own=True)
            continue
        target = spec.chart_sheet or f"{spec.name} chart"
        if charts and target in names and target != spec.name:
            pending.setdefault(target, []).extend(charts)
        elif charts:
            chart_ws = workbook.create_sheet(_sheet_title(target))
            _place_charts(chart_ws, charts, spec, running_head, own=False, banner=banner)
    with atomic_path(path) as tmp:
        workbook.save(tmp)
    return Path(path)


def _sheet_title(name: str) -> str:
    """A sheet name Excel accepts: no ``[]:*?/\\`` or control characters, at most 31."""
    from paritykit.safety import strip_control

    return re.sub(r"[\[\]:*?/\\]", "_", strip_control(name))[:31].strip("'") or "Sheet"


def _print_setup(ws: Any, running_head: str) -> None:
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.page_setup.scale = 100
    ws.page_setup.pageOrder = "overThenDown"
    ws.sheet_properties.pageSetUpPr.fitToPage = False  # wrap over pages, never shrink
    ws.page_margins = PageMargins(
        left=0.5, right=0.5, top=0.75, bottom=0.75, header=0.3, footer=0.3
    )
    ws.print_options.gridLines = False
    for part, text in (
        (ws.oddHeader.left, running_head.replace("&", "&&")),
        (ws.oddFooter.left, "&A"),
        (ws.oddFooter.right, "Page &P of &N"),
    ):
        if text:
            part.text = text
            part.size = FOOTER_SIZE


def _write_sheet(ws: Any, spec: SheetSpec, running_head: str) -> list[tuple[str, Any]]:
    """Write the sheet's title, notes and tables; return its charts and images to place."""
    from openpyxl.styles import Alignment

    _print_setup(ws, running_head)
    tables = [_layout(t, spec.wrap_columns) for t in spec.tables]
    for t in tables:
        for column in t.shown:
            if column.key in spec.wrap_columns:
                column.width = spec.wrap_width
        if sum(c.width for c in t.shown) > PAGE_WIDTH:
            # A wide table: its long text columns go last, nearly a page wide, so that rows
            # stay short on the pages of numbers before them.
            long = [c for c in t.shown if c.wrap and c.longest > WRAP_WIDTH]
            t.shown = [c for c in t.shown if c not in long] + long
            ids = sum(c.width for c in t.shown[:3] if c.key.removesuffix("_label") in ID_COLUMNS)
            for column in long:  # each a page wide beside the repeated identifying columns
                column.width = max(column.width, min(PAGE_WIDTH - 4 - ids, 80))
        else:
            # A table narrower than the page: its wrapped text columns take the spare width,
            # so that long findings run over fewer, shorter rows (and fewer pages).
            grow = [c for c in t.shown if c.wrap and c.longest > c.width]
            spare = PAGE_WIDTH - 2 - sum(c.width for c in t.shown)
            for column in grow:
                column.width = min(column.width + spare / len(grow), max(column.longest, 8))
    widths: dict[int, float] = {}
    display = max((len(t.shown) for t in tables), default=1)
    for t in tables:
        for j, column in enumerate(t.shown, start=1):
            widths[j] = max(widths.get(j, 0), column.width)
        for j, column in enumerate(t.machine, start=display + 2):
            widths[j] = max(widths.get(j, 0), column.width)
    for col, width in widths.items():
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = width
    shown_width = sum(widths.get(j, 8) for j in range(1, display + 1))
    title = f"{spec.exhibit}: {spec.title}" if spec.exhibit else spec.title
    _put(ws, 1, 1, title).font = _font(bold=True, size=TITLE_SIZE)
    ws.row_dimensions[1].height = 21
    row = 2
    for note in spec.notes:
        _note(ws, row, note, widths, display, shown_width)
        row += 1
    row += 1
    charts: list[tuple[str, Any]] = []
    headers: list[int] = []
    last_row = row
    for t in tables:
        if t.spec.caption:
            _put(ws, row, 1, t.spec.caption).font = _font(bold=True, size=CAPTION_SIZE)
            row += 1
        header_row = row + 1  # the hidden row of tidy names is above the header
        headers.append(header_row)
        last_row = _write_table(ws, t, header_row, display, widths)
        if t.spec.chart is not None and t.n_rows:
            charts.append(("chart", (ws, t, header_row, last_row)))
        row = last_row + 3
    removed = ws.parent._paritykit_removed.get(ws.title, 0)
    if removed:
        cell = _put(
            ws,
            row - 1,
            1,
            f"Note: {removed} control character(s) were removed from the text on this sheet "
            "(a spreadsheet cannot store them).",
        )
        cell.font = _font(italic=True, color="404040", size=BODY_SIZE)
        cell.alignment = Alignment(vertical="top")
        last_row = row - 1
    charts.extend(("image", image) for image in spec.images)
    last_col = ws.cell(row=1, column=max(display, 1)).column_letter
    ws.print_area = f"A1:{last_col}{max(last_row, row - 2, 1)}"
    if len(tables) == 1 and headers:
        ids = 0
        for column in tables[0].shown[:3]:
            if column.key.removesuffix("_label") not in ID_COLUMNS:
                break
            ids += 1
        wide = shown_width > PAGE_WIDTH
        ws.freeze_panes = ws.cell(row=headers[0] + 1, column=1 + (ids if wide else 0))
        ws.print_title_rows = f"{headers[0]}:{headers[0]}"
        if wide and ids:
            ws.print_title_cols = f"A:{ws.cell(row=1, column=ids).column_letter}"
        if tables[0].n_rows:
            ws.auto_filter.ref = f"A{headers[0]}:{last_col}{headers[0] + tables[0].n_rows}"
    return charts


def _note(
    ws: Any, row: int, note: str, widths: dict[int, float], display: int, shown_width: float
) -> None:
    """A note across the table's width (at most a page), wrapped, its row tall enough."""
    from openpyxl.styles import Alignment

    span, width = 1, widths.get(1, 8.43)
    limit = min(max(shown_width, 90), PAGE_WIDTH)
    while width + widths.get(span + 1, 8.43) <= limit:
        span += 1
        width += widths.get(span, 8.43)
    cell = _put(ws, row, 1, note)
    cell.font = _font(italic=True, color="404040", size=BODY_SIZE)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if span > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
    ws.row_dimensions[row].height = LINE_HEIGHT * _lines(str(cell.value), width) + 2


def _write_table(
    ws: Any, t: _Table, header_row: int, display: int, widths: dict[int, float]
) -> int:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, PatternFill

    placed = [(j, c) for j, c in enumerate(t.shown, start=1)] + [
        (j, c) for j, c in enumerate(t.machine, start=display + 2)
    ]
    key_row = header_row - 1
    ws.row_dimensions[key_row].hidden = True
    header_lines = 1
    for j, column in placed:
        _put(ws, key_row, j, column.key)
        cell = _put(ws, header_row, j, column.header)
        cell.font = _font(bold=True, color="FFFFFF", size=BODY_SIZE)
        cell.fill = PatternFill("solid", fgColor=CODE_FILL if column.machine else HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header_lines = max(
            header_lines, _lines(column.header, widths.get(j, column.width), bold=True)
        )
    ws.row_dimensions[header_row].height = LINE_HEIGHT * header_lines + 4
    body = _font(size=BODY_SIZE)
    marker_font = _font(size=BODY_SIZE, color=MARKER_COLOUR, italic=True)
    code_font = _font(size=BODY_SIZE, color="595959")
    for i in range(t.n_rows):
        r = header_row + 1 + i
        lines = 1
        for j, column in placed:
            value = column.values[i]
            cell = _put(ws, r, j, value)
            value = cell.value
            if column.markers[i]:
                cell.font = marker_font
                cell.alignment = Alignment(horizontal="right", vertical="top")
                continue
            cell.font = code_font if column.machine else body
            if isinstance(value, bool):
                # Excel shows TRUE/FALSE whatever the format; LibreOffice needs the format
                cell.number_format = BOOLEAN
                cell.alignment = Alignment(horizontal="center", vertical="top")
            elif _is_number(value):
                cell.number_format = column.formats[i] or (
                    COUNT if isinstance(value, int) else DECIMAL
                )
                # a rank reads as a label of its row, not a quantity: centred, apart from text
                centre = column.key in ("rank", "restrictiveness_rank")
                cell.alignment = Alignment(vertical="top", horizontal="center" if centre else None)
            elif isinstance(value, dt.date | dt.datetime):
                cell.number_format = DATE
                cell.alignment = Alignment(vertical="top")
            else:
                cell.alignment = Alignment(wrap_text=column.wrap, vertical="top")
                if column.wrap and value:
                    lines = max(lines, _lines(str(value), widths.get(j, column.width)))
        if lines > 1:
            ws.row_dimensions[r].height = LINE_HEIGHT * lines + 2
    last = header_row + t.n_rows
    keys = [c.key for c in t.shown]
    for name, bad in (("flagged", "TRUE"), ("compliant", "FALSE")):
        if name in keys and t.n_rows:
            letter = ws.cell(row=1, column=keys.index(name) + 1).column_letter
            end = ws.cell(row=last, column=len(t.shown)).column_letter
            ws.conditional_formatting.add(
                f"A{header_row + 1}:{end}{last}",
                FormulaRule(
                    formula=[f"${letter}{header_row + 1}={bad}"],
                    fill=PatternFill("solid", fgColor=FLAG_FILL, bgColor=FLAG_FILL),
                ),
            )
    return last


# --- charts ---------------------------------------------------------------------------------
#: The largest picture on a landscape letter page at 100% (pixels at 96 per inch).
_PICTURE_BOX = (940, 560)


def _place_charts(
    ws: Any,
    charts: list[tuple[str, Any]],
    spec: SheetSpec,
    running_head: str,
    *,
    own: bool,
    banner: str = "",
) -> None:
    """Put charts and images one under another, each on its own printed page (a chart sheet
    of its own starts with its exhibit's title and the ``banner``: plan, period, data)."""
    from openpyxl.drawing.image import Image
    from openpyxl.worksheet.pagebreak import Break

    if not own:
        _print_setup(ws, running_head)
        title = f"{spec.exhibit}: {spec.title}" if spec.exhibit else spec.title
        _put(ws, 1, 1, f"{title}: charts").font = _font(bold=True, size=TITLE_SIZE)
        if banner:
            _put(ws, 2, 1, banner).font = _font(italic=True)
        row = 3
    else:
        row = 3 + len(spec.notes)
    for k, (kind, item) in enumerate(charts):
        if k:
            ws.row_breaks.append(Break(id=row - 1))
        if kind == "chart":
            source, table, header_row, last_row = item
            chart = _bar_chart(source, table, header_row, last_row)
            ws.add_chart(chart, f"A{row}")
            row += 30
        else:
            picture = Image(str(item))
            scale = min(1.0, _PICTURE_BOX[0] / max(picture.width, 1))
            scale = min(scale, _PICTURE_BOX[1] / max(picture.height, 1))
            picture.width, picture.height = picture.width * scale, picture.height * scale
            ws.add_image(picture, f"A{row}")
            row += int(picture.height / 20) + 3
    ws.print_area = f"A1:O{max(row, 2)}"


#: Points of the text of native charts (axes, legend).
CHART_TEXT_SIZE = 10


def _chart_text(points: float) -> Any:
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties

    props = CharacterProperties(sz=int(points * 100))
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def _bar_chart(ws: Any, t: _Table, header_row: int, last_row: int) -> Any:
    from openpyxl.chart import BarChart, Reference

    spec = t.spec.chart
    assert spec is not None
    keys = [c.key for c in t.shown]

    def index(name: str) -> int:
        return (keys.index(name) if name in keys else keys.index(f"{name}_label")) + 1

    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = spec.title
    chart.y_axis.title = spec.y_title
    chart.height, chart.width = 13, 24
    for name in spec.values:
        col = index(name)
        chart.add_data(
            Reference(ws, min_col=col, min_row=header_row, max_row=last_row), titles_from_data=True
        )
    cat = index(spec.categories)
    chart.set_categories(Reference(ws, min_col=cat, min_row=header_row + 1, max_row=last_row))
    if spec.percent:
        chart.y_axis.number_format = "0%"
        chart.y_axis.numFmt = None
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    # text sizes set, not left to the viewer (LibreOffice shrinks unset chart text to ~3 pt)
    chart.x_axis.txPr = _chart_text(CHART_TEXT_SIZE)
    chart.y_axis.txPr = _chart_text(CHART_TEXT_SIZE)
    if chart.legend is not None:
        chart.legend.txPr = _chart_text(CHART_TEXT_SIZE)
        chart.legend.position = "b"
    for series, colour in zip(chart.series, ("0072B2", "E69F00"), strict=False):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = "000000"
    return chart


# --- reading back ---------------------------------------------------------------------------
def read_tables(worksheet: Any) -> list[pd.DataFrame]:
    """Return the tables of a sheet written by :func:`write_workbook`, with tidy column names.

    Each table's hidden row of tidy names gives the columns: a coded column under its own name
    (the codes) and its labels as ``<name>_label``; a QTL level as the number under its name and
    the text as ``<name>_label``. Suppressed cells hold ``"<11"`` or ``"suppressed"``.

    Parameters
    ----------
    worksheet : openpyxl worksheet
        A sheet of a workbook paritykit wrote.

    Returns
    -------
    list of pandas.DataFrame
        One per table, top to bottom.
    """
    ws = worksheet
    frames = []
    for r in range(1, ws.max_row + 1):
        if not ws.row_dimensions[r].hidden:
            continue
        keys = {c.column: c.value for c in ws[r] if c.value is not None}
        rows = []
        i = r + 2
        while i <= ws.max_row:
            values = {col: ws.cell(row=i, column=col).value for col in keys}
            if all(v is None for v in values.values()):
                break
            rows.append([values[col] for col in keys])
            i += 1
        frames.append(pd.DataFrame(rows, columns=list(keys.values())))
    return frames

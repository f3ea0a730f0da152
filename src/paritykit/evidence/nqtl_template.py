"""Sheets of the advocates' Excel template for NQTL inventories and comparative analyses.

:func:`write_nqtl_sheet` adds an ``NQTLs`` sheet (header, drop-down lists on the coded columns,
help prompts and example rows) to an openpyxl workbook; :func:`write_analysis_sheet` adds a
``Comparative analysis`` sheet for the plan's answers. :func:`paritykit.read_nqtls` and
:func:`paritykit.read_comparative_analysis` read them back untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from paritykit import columns as C
from paritykit import vocab
from paritykit.load.nqtl import ANALYSIS_SHEET, NQTL_SHEET
from paritykit.validate.nqtl import ANALYSIS_COLUMN_HELP, NQTL_COLUMN_HELP, NQTL_TYPES

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["write_analysis_sheet", "write_nqtl_sheet"]

#: Rows of the sheets that carry drop-down lists.
VALIDATION_ROWS = 2000
_WIDTHS = {
    C.PLAN_ID: 14,
    C.CLASSIFICATION: 27,
    C.SUB_CLASSIFICATION: 22,
    C.SIDE: 8,
    C.NQTL_TYPE: 30,
    C.APPLIES: 9,
    C.SCOPE: 45,
    C.REVIEW_INTERVAL_DAYS: 12,
    C.FACTORS: 45,
    C.EVIDENTIARY_STANDARDS: 45,
    C.NQTL_SOURCE: 30,
}
_YES_NO = ("yes", "no")


def _sheet(
    workbook: Workbook,
    title: str,
    columns: tuple[str, ...],
    example: pd.DataFrame,
    help_text: dict[str, str],
    lists: dict[str, tuple[str, ...]],
    free_text: frozenset[str],
) -> Worksheet:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from paritykit.safety import append_text_row

    if title in workbook.sheetnames:
        del workbook[title]
    ws = workbook.create_sheet(title)
    ws.append(list(columns))
    fill = PatternFill("solid", fgColor="1F4E79")
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    frame = example.reindex(columns=list(columns))
    for rec in frame.itertuples(index=False):
        append_text_row(ws, [_cell(v) for v in rec])
    for idx, name in enumerate(columns, start=1):
        letter = ws.cell(row=1, column=idx).column_letter
        ws.column_dimensions[letter].width = _WIDTHS.get(name, 40)
        for row in ws.iter_rows(min_row=2, min_col=idx, max_col=idx):
            row[0].alignment = Alignment(wrap_text=True, vertical="top")
        values = lists.get(name)
        open_list = name in free_text
        dv = DataValidation(
            type="list" if values else None,
            formula1='"' + ",".join(values) + '"' if values else None,
            allow_blank=True,
            showErrorMessage=bool(values) and not open_list,
            errorStyle="warning" if open_list else "stop",
            errorTitle=f"Invalid {name}",
            error=f"Choose one of: {', '.join(values)}"[:255] if values else None,
            promptTitle=name[:32],
            prompt=help_text[name][:255],
            showInputMessage=True,
        )
        dv.add(f"{letter}2:{letter}{VALIDATION_ROWS}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    return ws


def _cell(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and pd.isna(value):
        return None
    return value


def write_nqtl_sheet(workbook: Workbook, example: pd.DataFrame) -> Worksheet:
    """Add an ``NQTLs`` sheet with the NQTL inventory contract to an openpyxl workbook.

    The sheet has the contract's header, drop-down lists on ``classification``,
    ``sub_classification``, ``side``, ``nqtl_type`` and ``applies`` (with the column's help as
    the input prompt), and ``example`` as filled rows. An existing ``NQTLs`` sheet is replaced.
    Nothing is saved: the caller saves the workbook.

    Parameters
    ----------
    workbook : openpyxl.Workbook
        The workbook to add the sheet to.
    example : pandas.DataFrame
        Example rows in the NQTL inventory contract (extra columns are ignored; booleans are
        written as yes/no). Pass an empty frame for a blank sheet.

    Returns
    -------
    openpyxl.worksheet.worksheet.Worksheet
        The new sheet.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from openpyxl import Workbook
    >>> import paritykit as pk
    >>> from paritykit.evidence.nqtl_template import write_nqtl_sheet
    >>> wb = Workbook()
    >>> example = pk.sample_nqtls().query("plan_id == 'SAMPLE-A'")
    >>> _ = write_nqtl_sheet(wb, example)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
    >>> wb.save(path)
    >>> len(pk.read_nqtls(path)) == len(example)
    True
    """
    lists = {
        C.CLASSIFICATION: vocab.CLASSIFICATIONS,
        C.SUB_CLASSIFICATION: vocab.OUTPATIENT_SUB_CLASSIFICATIONS,
        C.SIDE: vocab.SIDES,
        C.NQTL_TYPE: NQTL_TYPES,
        C.APPLIES: _YES_NO,
    }
    return _sheet(
        workbook,
        NQTL_SHEET,
        C.NQTL_COLUMNS,
        example,
        NQTL_COLUMN_HELP,
        lists,
        frozenset({C.SUB_CLASSIFICATION}),  # network tier names are allowed too
    )


def write_analysis_sheet(workbook: Workbook, example: pd.DataFrame) -> Worksheet:
    """Add a ``Comparative analysis`` sheet (one row per NQTL, six element columns).

    Parameters
    ----------
    workbook : openpyxl.Workbook
    example : pandas.DataFrame
        Example rows in the comparative-analysis contract (``ANALYSIS_COLUMNS``), e.g.
        :func:`paritykit.sample_comparative_analysis`.

    Returns
    -------
    openpyxl.worksheet.worksheet.Worksheet
    """
    lists = {
        C.CLASSIFICATION: vocab.CLASSIFICATIONS,
        C.SUB_CLASSIFICATION: vocab.OUTPATIENT_SUB_CLASSIFICATIONS,
        C.NQTL_TYPE: NQTL_TYPES,
    }
    return _sheet(
        workbook,
        ANALYSIS_SHEET,
        C.ANALYSIS_COLUMNS,
        example,
        ANALYSIS_COLUMN_HELP,
        lists,
        frozenset({C.SUB_CLASSIFICATION}),
    )

"""The advocates' Excel input template for benefit designs.

The workbook has an ``Instructions`` sheet and a ``Benefits`` sheet with the contract's columns,
drop-down lists on the coded columns and a filled example; :func:`paritykit.read_benefits` reads
it back untouched.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from paritykit import columns as C
from paritykit import vocab
from paritykit._atomic import atomic_path
from paritykit.load.benefits import BENEFITS_SHEET
from paritykit.safety import append_text_row
from paritykit.validate.benefits import BENEFITS_COLUMN_HELP

__all__ = ["write_benefits_template", "write_benefits_workbook"]

#: Rows of the Benefits sheet that carry drop-down lists.
VALIDATION_ROWS = 2000
_WIDTHS = {
    C.PLAN_ID: 14,
    C.COVERAGE_UNIT: 14,
    C.CLASSIFICATION: 27,
    C.SUB_CLASSIFICATION: 22,
    C.SIDE: 8,
    C.BENEFIT: 36,
    C.REQUIREMENT_TYPE: 18,
    C.LEVEL: 9,
    C.PROJECTED_PAYMENTS: 20,
    C.ACCUMULATION: 14,
}


def write_benefits_workbook(
    benefits: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    instructions: bool = True,
    nqtls: pd.DataFrame | None = None,
) -> Path:
    """Write a benefits table as an input workbook (atomically) and return its path.

    Parameters
    ----------
    benefits : pandas.DataFrame
        Rows in the benefits data contract (extra columns are ignored).
    path : path
        The ``.xlsx`` file to write.
    instructions : bool
        Add the ``Instructions`` sheet.
    nqtls : pandas.DataFrame, optional
        An NQTL inventory to add as the ``NQTLs`` sheet (read by ``paritykit report`` and
        :func:`paritykit.read_nqtls`).

    Returns
    -------
    pathlib.Path
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    ws = workbook.active
    ws.title = BENEFITS_SHEET
    header_fill = PatternFill("solid", fgColor="1F4E79")
    ws.append(list(C.BENEFITS_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center")
    for rec in benefits.reindex(columns=list(C.BENEFITS_COLUMNS)).itertuples(index=False):
        append_text_row(ws, [None if pd.isna(v) else v for v in rec])
    money = '"$"#,##0.00'
    for idx, name in enumerate(C.BENEFITS_COLUMNS, start=1):
        letter = ws.cell(row=1, column=idx).column_letter
        ws.column_dimensions[letter].width = _WIDTHS.get(name, 14)
        if name == C.PROJECTED_PAYMENTS:
            for row in ws.iter_rows(min_row=2, min_col=idx, max_col=idx):
                row[0].number_format = money
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    lists = {
        C.CLASSIFICATION: vocab.CLASSIFICATIONS,
        C.SUB_CLASSIFICATION: vocab.OUTPATIENT_SUB_CLASSIFICATIONS,
        C.SIDE: vocab.SIDES,
        C.REQUIREMENT_TYPE: vocab.BENEFIT_REQUIREMENT_TYPES,
        C.ACCUMULATION: vocab.ACCUMULATIONS,
        C.COVERAGE_UNIT: (vocab.COVERAGE_UNIT_DEFAULT, "family", "employee_plus_one"),
    }
    for name, values in lists.items():
        col = C.BENEFITS_COLUMNS.index(name) + 1
        letter = ws.cell(row=1, column=col).column_letter
        free_text = name in (C.SUB_CLASSIFICATION, C.COVERAGE_UNIT)  # tier/unit names allowed
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(values) + '"',
            allow_blank=True,
            showErrorMessage=not free_text,
            errorStyle="warning" if free_text else "stop",
            errorTitle=f"Invalid {name}",
            error=f"Choose one of: {', '.join(values)}",
            promptTitle=name,
            prompt=BENEFITS_COLUMN_HELP[name][:255],
            showInputMessage=True,
        )
        dv.add(f"{letter}2:{letter}{VALIDATION_ROWS}")
        ws.add_data_validation(dv)
    if instructions:
        info = workbook.create_sheet("Instructions", 0)
        info.append(["paritykit benefits template"])
        info["A1"].font = Font(bold=True, size=14)
        info.append(
            [
                "Fill in the Benefits sheet: one row per benefit and requirement type. Then run: "
                "paritykit qtl THIS_FILE.xlsx"
            ]
        )
        info.append(
            [
                "paritykit gives evidence, not legal advice. Do not enter names or other personal "
                "information of patients."
            ]
        )
        info.append([])
        info.append(["column", "what to enter"])
        for cell in info[5]:
            cell.font = Font(bold=True)
        for name in C.BENEFITS_COLUMNS:
            info.append([name, BENEFITS_COLUMN_HELP[name]])
        info.column_dimensions["A"].width = 22
        info.column_dimensions["B"].width = 120
        for row in info.iter_rows(min_row=6):
            row[1].alignment = Alignment(wrap_text=True, vertical="top")
        workbook.active = workbook.sheetnames.index(BENEFITS_SHEET)
    if nqtls is not None:
        from paritykit.evidence.nqtl_template import write_nqtl_sheet

        write_nqtl_sheet(workbook, nqtls)
    with atomic_path(path) as tmp:
        workbook.save(tmp)
    return Path(path)


def write_benefits_template(path: str | os.PathLike[str]) -> Path:
    """Write the empty-to-fill advocates' template with one example plan and return its path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import paritykit as pk
    >>> from paritykit.evidence.template import write_benefits_template
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "template.xlsx"
    >>> table = pk.read_benefits(write_benefits_template(target))
    >>> table["plan_id"].unique().tolist()
    ['EXAMPLE-PLAN']
    """
    from paritykit.synth.benefits import sample_benefits
    from paritykit.synth.nqtls import sample_nqtls

    example = sample_benefits()
    example = example[example[C.PLAN_ID] == "SAMPLE-A"].assign(**{C.PLAN_ID: "EXAMPLE-PLAN"})
    nqtls = sample_nqtls()
    nqtls = nqtls[nqtls[C.PLAN_ID] == "SAMPLE-A"].assign(**{C.PLAN_ID: "EXAMPLE-PLAN"})
    return write_benefits_workbook(example, path, nqtls=nqtls)

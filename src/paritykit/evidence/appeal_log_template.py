"""The appeal log template: an Excel workbook (or a CSV) a practice fills in after each denial.

The workbook has an ``Instructions`` sheet and an ``Appeal log`` sheet with the contract's
columns (:data:`paritykit.columns.APPEAL_LOG_COLUMNS`), drop-down lists for the event, the
outcome and the yes/no columns, and three example rows about a made-up claim (delete them);
:func:`paritykit.read_appeal_log` reads it back untouched.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import pandas as pd

from paritykit import columns as C
from paritykit import vocab
from paritykit._atomic import atomic_path
from paritykit.safety import append_text_row

__all__ = ["APPEAL_LOG_HELP", "example_appeal_log", "write_appeal_log_template"]

#: What each column holds, as the Instructions sheet says it.
APPEAL_LOG_HELP: Final[dict[str, str]] = {
    C.CLAIM_ID: "the claim number as on the remittance (CLP01, your patient account number)",
    C.PLAN_ID: "the payer, spelled as on the remittance (N1*PR)",
    C.EVENT: "what happened: " + ", ".join(vocab.APPEAL_EVENTS),
    C.EVENT_DATE: "when it happened: 2024-03-01 (or 03/01/2024); a decision's date is the date "
    "on the plan's notice",
    C.OUTCOME: "for appeal_decided and external_review_decided: overturned, upheld or partial; "
    "otherwise empty (or pending)",
    C.REPRESENTATIVE: "the name of the payer's representative you spoke to (calls)",
    C.REFERENCE_NUMBER: "the call reference number, or the appeal's or decision's number",
    C.CLINICAL_DOCUMENTATION: "appeal_filed: did the appeal include the clinical "
    "documentation (yes/no)?",
    C.PROVIDER_LETTER: "appeal_filed: did it include a letter from the treating clinician "
    "(yes/no)?",
    C.PARITY_CITED: "appeal_filed: did it make a specific parity argument (yes/no)?",
    C.NOTES: "anything else (no clinical details needed)",
}


def example_appeal_log() -> pd.DataFrame:
    """Three example rows about a made-up claim: a call, an appeal and its decision.

    Examples
    --------
    >>> example_appeal_log()["event"].tolist()
    ['call', 'appeal_filed', 'appeal_decided']
    """
    rows = [
        ["EXAMPLE-0001", "EXAMPLE PAYER", "call", "2024-03-05", "", "Dana", "REF-0001", "", "",
         "", "asked why the claim was denied"],
        ["EXAMPLE-0001", "EXAMPLE PAYER", "appeal_filed", "2024-03-20", "pending", "", "", "yes",
         "yes", "yes", "sent by fax"],
        ["EXAMPLE-0001", "EXAMPLE PAYER", "appeal_decided", "2024-04-25", "overturned", "",
         "APL-0001", "", "", "", ""],
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(C.APPEAL_LOG_COLUMNS))


def write_appeal_log_template(path: str | os.PathLike[str]) -> Path:
    """Write the appeal log template (``.xlsx`` with drop-down lists, or ``.csv``), atomically.

    Parameters
    ----------
    path : path
        The file to write; ``.xlsx`` or ``.csv``.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from paritykit.load.appeal_log import read_appeal_log
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "log.xlsx"
    >>> len(read_appeal_log(write_appeal_log_template(target)).events)
    3
    """
    from paritykit.errors import ConfigurationError

    out = Path(path)
    example = example_appeal_log()
    if out.suffix.lower() == ".csv":
        from paritykit.safety import write_csv

        return write_csv(example, out)
    if out.suffix.lower() != ".xlsx":
        raise ConfigurationError(f"{out}: the template is a .xlsx or .csv file.")
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    info = book.active
    info.title = "Instructions"
    append_text_row(info, ["paritykit appeal log: one row per event about a denied claim"])
    info["A1"].font = Font(bold=True)
    append_text_row(info, [""])
    append_text_row(info, ["column", "what to write"])
    for column, text in APPEAL_LOG_HELP.items():
        append_text_row(info, [column, text])
    append_text_row(info, [""])
    append_text_row(info, ["Delete the example rows. Read it with: paritykit appeals REMITS "
                           "--log this_file.xlsx (or payers --log, complaint --log)."])  # fmt: skip
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 100
    sheet = book.create_sheet("Appeal log")
    append_text_row(sheet, list(C.APPEAL_LOG_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in example.itertuples(index=False, name=None):
        append_text_row(sheet, list(row))
    letters = {c: sheet.cell(row=1, column=i + 1).column_letter
               for i, c in enumerate(C.APPEAL_LOG_COLUMNS)}  # fmt: skip
    for column, values in (
        (C.EVENT, vocab.APPEAL_EVENTS),
        (C.OUTCOME, vocab.APPEAL_OUTCOMES),
        *((c, ("yes", "no")) for c in C.APPEAL_CONTENTS),
    ):
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        dv.add(f"{letters[column]}2:{letters[column]}2000")
        sheet.add_data_validation(dv)
    for column, letter in letters.items():
        sheet.column_dimensions[letter].width = max(12, len(column) + 4)
    sheet.freeze_panes = "A2"
    with atomic_path(out) as tmp:
        book.save(tmp)
    return out

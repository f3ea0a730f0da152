"""Read an appeal log: what happened to each denied claim after the denial.

The log is a table a practice keeps by hand (CSV, Excel, Parquet or a DataFrame), one row per
event: a call to the payer (who answered, the call's reference number), an internal appeal filed
(with what it contained: clinical documentation, a provider letter, a parity argument), the
plan's decision, an external review requested and decided, a resubmission, a complaint filed.
``paritykit template appeal-log`` writes an empty one. Text is read through the safety layer
(:mod:`paritykit.load.text`, :mod:`paritykit.load.tables`); the checks are in
:mod:`paritykit.validate.appeal_log`.
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from paritykit import columns as C
from paritykit.load.tables import read_raw_table
from paritykit.validate.appeal_log import AppealLog, validate_appeal_log

__all__ = ["APPEAL_LOG_SHEET", "AppealLog", "read_appeal_log"]

#: The sheet read from a workbook by default (falls back to the first visible sheet).
APPEAL_LOG_SHEET = "Appeal log"


def read_appeal_log(
    source: str | os.PathLike[str] | pd.DataFrame | AppealLog,
    *,
    claims: Any = None,
    sheet: str | None = None,
) -> AppealLog:
    """Read and check an appeal log; bad rows are excluded and listed, never dropped silently.

    Parameters
    ----------
    source : path, DataFrame or AppealLog
        A ``.csv``, ``.xlsx`` (sheet ``"Appeal log"`` by default) or ``.parquet`` file, or a
        DataFrame, with the columns of :data:`paritykit.columns.APPEAL_LOG_COLUMNS`
        (``claim_id``, ``plan_id``, ``event`` and ``date`` required; ``payer`` is accepted for
        ``plan_id``). An :class:`AppealLog` is checked again against ``claims``.
    claims : pandas.DataFrame, Remittances or BillingExport, optional
        The claim lines the log is about: unknown claim ids, claims never denied, another
        payer and dates before the denial are then problems too.
    sheet : str, optional
        Excel sheet to read.

    Returns
    -------
    AppealLog
        ``events`` (the rows kept) and ``excluded`` (one row per problem, with file, row,
        column, value, problem and what to do).

    Raises
    ------
    DataValidationError
        A required column is missing.
    InputFileError
        The file is missing, empty, too large or not a table.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"claim_id": ["C1", "C1", "C1"], "payer": ["P"] * 3,
    ...     "event": ["appeal_filed", "appeal_decided", "apeal_filed"],
    ...     "date": ["2024-03-01", "2024-04-10", "2024-03-02"],
    ...     "outcome": [None, "upheld", None]})
    >>> log = read_appeal_log(table)
    >>> log.events["event"].tolist(), log.excluded_rows
    (['appeal_filed', 'appeal_decided'], (3,))
    >>> log.problem_lines()[0][:80]
    "<DataFrame>, row 3, column 'event' = 'apeal_filed': unknown event (did you mean "
    """
    if isinstance(source, AppealLog):
        source = source.events.drop(columns=[C.SOURCE_ROW]).assign(
            **{C.SOURCE_ROW: source.events[C.SOURCE_ROW]}
        )
    raw = read_raw_table(
        source,
        expected_columns=C.APPEAL_LOG_COLUMNS,
        sheet=sheet,
        preferred_sheet=APPEAL_LOG_SHEET,
    )
    return validate_appeal_log(raw, claims=claims)

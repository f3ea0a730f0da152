"""Read a user's own fee schedule (CSV, Excel or Parquet) for the comparison with Medicare.

The contract, one row per code: ``procedure_code``, ``modifier`` (optional column; blank for
the code's main amount), ``amount`` (dollars, above 0), ``locality`` (optional column) and
``year``. It lets a practice use another year's Medicare figures (such as the locality
amounts of CMS's PFS look-up tool), its state Medicaid schedule, or any reference schedule.

Every problem is reported with file, row, column, value and what was expected; a bad row is
excluded and listed in :attr:`MedicareFeeSchedule.problems`, and the others are used.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Final

import pandas as pd

from paritykit import columns as C
from paritykit.analysis.medicare import (
    AMOUNT_COLUMNS,
    MedicareFeeSchedule,
    find_locality,
)
from paritykit.errors import PROBLEM_COLUMNS, ConfigurationError, DataValidationError

__all__ = ["FEE_SCHEDULE_COLUMNS", "FEE_SCHEDULE_REQUIRED", "read_fee_schedule"]

#: Columns of the fee-schedule contract, in order; ``modifier`` and ``locality`` are optional.
FEE_SCHEDULE_COLUMNS: Final[tuple[str, ...]] = (
    C.PROCEDURE_CODE,
    C.MODIFIER,
    C.FEE_AMOUNT,
    C.LOCALITY,
    C.FEE_SCHEDULE_YEAR,
)
FEE_SCHEDULE_REQUIRED: Final[tuple[str, ...]] = (
    C.PROCEDURE_CODE,
    C.FEE_AMOUNT,
    C.FEE_SCHEDULE_YEAR,
)
_CODE = re.compile(r"^[A-Z0-9]{5}$")
_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
_AMOUNT = re.compile(r"^\$?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def _blank(value: object) -> bool:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return True
    return str(value).strip() == ""


def _text(value: object) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@cache
def _locality_key(value: str) -> str:
    """A locality written as ``TX-18``, ``tx 18`` or ``04412-18`` compares as ``TX-18``."""
    try:
        return find_locality(value).code
    except ConfigurationError:
        return value.strip().upper()


def read_fee_schedule(
    source: str | os.PathLike[str] | pd.DataFrame,
    *,
    locality: str | None = None,
) -> MedicareFeeSchedule:
    """Read a fee schedule in the paritykit contract.

    Parameters
    ----------
    source : path or DataFrame
        A ``.csv``, ``.xlsx`` or ``.parquet`` file with the columns ``procedure_code``,
        ``amount``, ``year`` and, optionally, ``modifier`` and ``locality``.
    locality : str, optional
        Keep the rows of this locality (``TX-18``, or the file's own spelling) and the rows
        with a blank locality. Needed when the file covers several localities.

    Returns
    -------
    MedicareFeeSchedule
        ``source`` names the file; ``problems`` lists the excluded rows; ``notes`` says how
        many rows of other localities were set aside.

    Raises
    ------
    DataValidationError
        When a required column is missing or no row is usable (every problem listed).
    ConfigurationError
        When the rows give several years, or several localities and no ``locality``.

    Examples
    --------
    >>> t = pd.DataFrame({"procedure_code": ["90837", "90834", "9083"],
    ...                   "amount": ["150.00", "$101.50", "99"], "year": [2026] * 3})
    >>> fs = read_fee_schedule(t)
    >>> fs.amount("90834"), len(fs.problems), fs.problems.loc[0, "column"]
    (101.5, 1, 'procedure_code')
    """
    from paritykit.load.tables import read_raw_table

    raw = read_raw_table(source, expected_columns=FEE_SCHEDULE_REQUIRED)
    file = raw.file
    display = Path(file).name if file != "<DataFrame>" else file
    frame = raw.frame
    missing = [c for c in FEE_SCHEDULE_REQUIRED if c not in frame.columns]
    if missing:
        found = [raw.headers.get(c, c) for c in frame.columns if c != C.SOURCE_ROW]
        raise DataValidationError(
            f"{display}: the fee schedule lacks column(s) {', '.join(missing)}; it needs "
            f"{', '.join(FEE_SCHEDULE_REQUIRED)} (modifier and locality are optional); found "
            f"{', '.join(map(str, found)) or 'no columns'}.",
            pd.DataFrame(
                [
                    {
                        "file": file,
                        "row": raw.header_row,
                        "column": c,
                        "value": None,
                        "problem": "required column missing",
                        "expected": "a column with this name",
                    }
                    for c in missing
                ],
                columns=list(PROBLEM_COLUMNS),
            ),
        )
    problems: list[dict[str, object]] = []
    rows: list[dict[str, object]] = []

    def problem(row: object, column: str, value: object, what: str, expected: str) -> None:
        problems.append(
            {
                "file": file,
                "row": row,
                "column": column,
                "value": value,
                "problem": what,
                "expected": expected,
            }
        )

    for rec in frame.to_dict("records"):
        row = rec[C.SOURCE_ROW]
        bad = len(problems)
        code = _text(rec.get(C.PROCEDURE_CODE)).upper()
        if not _CODE.match(code):
            problem(
                row,
                C.PROCEDURE_CODE,
                rec.get(C.PROCEDURE_CODE),
                "missing procedure code" if not code else "not a CPT/HCPCS code",
                "five letters or digits, such as 90837 or H0015",
            )
        modifier = _text(rec.get(C.MODIFIER)).upper()
        if modifier and not _MODIFIER.match(modifier):
            problem(
                row,
                C.MODIFIER,
                rec.get(C.MODIFIER),
                "not a modifier",
                "blank, or 2 letters or digits such as 26",
            )
        raw_amount = rec.get(C.FEE_AMOUNT)
        amount_text = _text(raw_amount)
        amount = None
        if isinstance(raw_amount, int | float) and not _blank(raw_amount):
            amount = float(raw_amount)
        elif _AMOUNT.match(amount_text):
            amount = float(amount_text.replace("$", "").replace(",", "").strip())
        if amount is None or amount <= 0:
            problem(
                row,
                C.FEE_AMOUNT,
                raw_amount,
                "missing amount" if not amount_text else "not a dollar amount above 0",
                "dollars, such as 154.29",
            )
        year_text = _text(rec.get(C.FEE_SCHEDULE_YEAR))
        year = int(year_text) if year_text.isdigit() else None
        if year is None or not 1992 <= year <= 2100:
            problem(
                row,
                C.FEE_SCHEDULE_YEAR,
                rec.get(C.FEE_SCHEDULE_YEAR),
                "missing year" if not year_text else "not a calendar year",
                "the fee schedule's year, such as 2026",
            )
        if len(problems) == bad:
            rows.append(
                {
                    "row_number": row,
                    C.PROCEDURE_CODE: code,
                    C.MODIFIER: modifier,
                    C.MEDICARE_AMOUNT: amount,
                    C.LOCALITY: _text(rec.get(C.LOCALITY)),
                    C.FEE_SCHEDULE_YEAR: year,
                }
            )
    good = pd.DataFrame(
        rows, columns=["row_number", C.PROCEDURE_CODE, C.MODIFIER, C.MEDICARE_AMOUNT, C.LOCALITY,
                       C.FEE_SCHEDULE_YEAR]
    )  # fmt: skip
    notes: list[str] = []
    chosen = ""
    named = sorted({_locality_key(v) for v in good[C.LOCALITY] if v})
    if locality is not None:
        want = _locality_key(locality)
        keys = good[C.LOCALITY].map(lambda v: _locality_key(v) if v else "")
        keep = (keys == "") | (keys == want)
        if not keep.any() and named:
            raise ConfigurationError(
                f"{display}: no row is for locality {locality}; the file's localities are "
                f"{', '.join(named)}."
            )
        if (~keep).any():
            notes.append(f"{int((~keep).sum())} row(s) of other localities set aside")
        good = good[keep]
        chosen = want
    elif len(named) > 1:
        raise ConfigurationError(
            f"{display}: the fee schedule covers {len(named)} localities ({', '.join(named)}); "
            "choose one with --locality."
        )
    elif named:
        chosen = named[0]
    years = sorted(set(good[C.FEE_SCHEDULE_YEAR]))
    if len(years) > 1:
        raise ConfigurationError(
            f"{display}: the fee schedule mixes years {', '.join(map(str, years))}; give one "
            "year per file."
        )
    key = [C.PROCEDURE_CODE, C.MODIFIER]
    dup = good.duplicated(key, keep=False)
    for r in good[dup].itertuples(index=False):
        same = (good[C.PROCEDURE_CODE] == r.procedure_code) & (good[C.MODIFIER] == r.modifier)
        first = good.loc[same, "row_number"].iloc[0]
        where = f" (first at row {first})" if first != r.row_number else ""
        problem(
            r.row_number,
            C.PROCEDURE_CODE,
            r.procedure_code + (f" {r.modifier}" if r.modifier else ""),
            "duplicate code and modifier" + where,
            "one amount per code and modifier; every row of this code is left out",
        )
    good = good[~dup]
    table = pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS))
    if good.empty:
        raise DataValidationError(
            f"{display}: no usable fee-schedule row ({len(table)} problem(s); first: row "
            f"{table.loc[0, 'row'] if len(table) else '-'}, "
            f"{table.loc[0, 'column'] if len(table) else '-'}: "
            f"{table.loc[0, 'problem'] if len(table) else 'the file has no rows'}).",
            table,
        )
    amounts = good.assign(status_code="")[list(AMOUNT_COLUMNS)].reset_index(drop=True)
    return MedicareFeeSchedule(
        amounts=amounts,
        year=int(years[0]),
        locality=chosen,
        source=f"fee schedule {display}",
        problems=table.sort_values("row", kind="stable").reset_index(drop=True),
        notes=tuple(notes),
    )

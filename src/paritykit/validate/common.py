"""Contract checks shared by the hand-edited input tables (benefits, NQTL inventories).

Each helper records problems in a :class:`~paritykit.validate.problems.ProblemLog` instead of
raising, so a file's problems are reported together.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from paritykit import columns as C
from paritykit import vocab
from paritykit.load.tables import RawTable
from paritykit.validate.problems import ProblemLog, closest, did_you_mean

__all__ = [
    "DuplicatePolicy",
    "check_columns",
    "exact_duplicates",
    "match_code",
    "required_code",
    "side_code",
    "sub_classification",
]


def match_code(
    value: object, allowed: tuple[str, ...], aliases: dict[str, str] | None = None
) -> tuple[str | None, str]:
    """Match a coded value; return ``(code, "")`` or ``(None, suggestion_text)``."""
    token = vocab.normalize_token(value)
    if token in allowed:
        return token, ""
    if aliases and token in aliases:
        return aliases[token], ""
    return None, did_you_mean(token, allowed)


#: What to do with a row that repeats an earlier row exactly.
DuplicatePolicy = Literal["raise", "drop"]


def check_columns(
    raw: RawTable,
    log: ProblemLog,
    *,
    columns: tuple[str, ...],
    required: tuple[str, ...],
    contract: str,
) -> set[str]:
    """Report missing and misspelt columns; return the contract columns present."""
    present = set(raw.frame.columns) - {C.SOURCE_ROW}
    unknown = sorted(present - set(columns))
    for name in required:
        if name in present:
            continue
        guess = closest(name, unknown, cutoff=0.7)
        shown = raw.headers.get(guess, guess) if guess else None
        log.add(
            f"required column '{name}' is missing"
            + (f"; the column '{shown}' looks like a misspelling" if guess else ""),
            row=raw.header_row,
            column=name,
            value=shown,
            expected=f"a column named '{name}'" + (f" (rename '{shown}')" if guess else ""),
        )
    for name in unknown:
        guess = closest(name, columns, cutoff=0.75)
        if guess and guess not in present and guess not in required:
            shown = raw.headers.get(name, name)
            log.add(
                f"column '{shown}' is not in the {contract} contract",
                row=raw.header_row,
                column=shown,
                value=shown,
                expected=f"'{guess}' (did you mean that?)",
            )
    return present & set(columns)


def required_code(
    cell: object,
    name: str,
    present: set[str],
    row: int,
    log: ProblemLog,
    allowed: tuple[str, ...],
    aliases: dict[str, str] | None,
    what: str,
) -> str | None:
    expected = "one of " + ", ".join(allowed)
    if cell is None:
        if name in present:
            log.add("a value is required", row=row, column=name, expected=expected)
        return None
    code, hint = match_code(cell, allowed, aliases)
    if code is None:
        log.add(f"unknown {what}{hint}", row=row, column=name, value=cell, expected=expected)
    return code


def sub_classification(
    cell: object, classification: str | None, row: int, log: ProblemLog
) -> str | None:
    if cell is None:
        return None
    token = vocab.normalize_token(cell)
    if token in vocab.OUTPATIENT_SUB_CLASSIFICATIONS and classification not in (
        None,
        *vocab.OUTPATIENT_CLASSIFICATIONS,
    ):
        log.add(
            f"sub-classification '{token}' is only permitted for outpatient benefits",
            row=row,
            column=C.SUB_CLASSIFICATION,
            value=cell,
            expected=f"blank or a network tier name for {classification}; office_visits/"
            "all_other_outpatient only for outpatient classifications",
        )
    return token or None


def side_code(cell: object, present: set[str], row: int, log: ProblemLog) -> str | None:
    """Match the ``side`` column ("ms" or "mhsud", with common spellings)."""
    if cell is None:
        if C.SIDE in present:
            log.add("a value is required", row=row, column=C.SIDE, expected="'ms' or 'mhsud'")
        return None
    code, hint = match_code(cell, vocab.SIDES, vocab.SIDE_ALIASES)
    if code is None:
        log.add(
            f"unknown side{hint}",
            row=row,
            column=C.SIDE,
            value=cell,
            expected="'ms' (medical/surgical) or 'mhsud' (mental health / substance use)",
        )
    return code


def exact_duplicates(
    frame: pd.DataFrame,
    value_columns: list[str],
    log: ProblemLog,
    *,
    duplicates: DuplicatePolicy,
    expected: str,
) -> tuple[pd.Series, list[int]]:
    """Find rows that repeat an earlier row in ``value_columns``.

    Under ``duplicates="raise"`` each repeat is logged as a problem naming the row it repeats;
    under ``"drop"`` the repeats' source rows are returned to be dropped (and recorded).

    Returns
    -------
    (pandas.Series of bool, list of int)
        Which rows repeat an earlier one, and the source rows to drop.
    """
    text = frame[value_columns].astype(str)
    exact = text.duplicated(keep="first")
    first_row = frame.groupby([text[c] for c in value_columns], dropna=False, sort=False)[
        C.SOURCE_ROW
    ].transform("min")
    dropped: list[int] = []
    for idx in frame.index[exact]:
        row = int(frame.at[idx, C.SOURCE_ROW])
        if duplicates == "drop":
            dropped.append(row)
        else:
            log.add(
                f"row repeats row {int(first_row[idx])} exactly",
                row=row,
                expected=f"{expected} (or read with duplicates='drop')",
            )
    return exact, dropped

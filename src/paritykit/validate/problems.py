"""Collect every problem in an input before raising, in the style of pandera's lazy validation.

A :class:`ProblemLog` gathers problems (file, row, column, value, what is wrong, what was
expected) and raises one :class:`~paritykit.errors.DataValidationError` carrying all of them as a
DataFrame, so a user fixes a file in one pass instead of one error at a time.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from paritykit.errors import PROBLEM_COLUMNS, DataValidationError

__all__ = ["ProblemLog", "closest", "did_you_mean"]

#: How many problems the one-line message spells out before saying "and N more".
MESSAGE_PROBLEM_LIMIT = 12


def closest(value: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """Return the choice closest to ``value`` (by edit similarity), or ``None``.

    Examples
    --------
    >>> closest("clasification", ["classification", "side"])
    'classification'
    """
    matches = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest choice, or an empty string."""
    match = closest(value, choices)
    return f" (did you mean '{match}'?)" if match else ""


@dataclass
class ProblemLog:
    """Problems found in one input, reported together.

    Parameters
    ----------
    file : str
        The input's name as the user knows it (a path, or ``"<DataFrame>"``).
    what : str
        What the input is, for messages ("benefits table").
    """

    file: str
    what: str = "input"
    _rows: list[dict[str, object]] = field(default_factory=list)

    def add(
        self,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        expected: str = "",
    ) -> None:
        """Record one problem."""
        shown = None if value is None or (isinstance(value, float) and pd.isna(value)) else value
        self._rows.append(
            {
                "file": self.file,
                "row": row,
                "column": column,
                "value": shown,
                "problem": problem,
                "expected": expected,
            }
        )

    def __len__(self) -> int:
        return len(self._rows)

    def to_frame(self) -> pd.DataFrame:
        """Return the problems as a DataFrame with the columns of ``PROBLEM_COLUMNS``."""
        frame = pd.DataFrame(self._rows, columns=list(PROBLEM_COLUMNS))
        frame["row"] = frame["row"].astype("Int64")
        return frame.sort_values(["row", "column"], na_position="first", kind="stable").reset_index(
            drop=True
        )

    def message(self) -> str:
        """Return a one-paragraph message listing the problems (the first few in full)."""
        frame = self.to_frame()
        count = len(frame)
        noun = "problem" if count == 1 else "problems"
        parts = []
        for rec in frame.head(MESSAGE_PROBLEM_LIMIT).itertuples(index=False):
            where = []
            if not pd.isna(rec.row):
                where.append(f"row {int(rec.row)}")
            if rec.column:
                where.append(f"column '{rec.column}'")
            text = rec.problem
            if rec.value is not None and not (isinstance(rec.value, float) and pd.isna(rec.value)):
                text += f" (found {rec.value!r})"
            if rec.expected:
                text += f"; expected {rec.expected}"
            parts.append((", ".join(where) + ": " if where else "") + text)
        more = count - MESSAGE_PROBLEM_LIMIT
        tail = f"; and {more} more (see the error's .problems table)" if more > 0 else ""
        return f"{count} {noun} in {self.what} {self.file}: " + "; ".join(parts) + tail

    def raise_if_any(self) -> None:
        """Raise :class:`DataValidationError` with every problem, if there are any."""
        if self._rows:
            raise DataValidationError(self.message(), self.to_frame())

"""One error and warning hierarchy for paritykit.

Every error a user can cause derives from :class:`ParityKitError`. Errors about bad input data
also derive from :class:`ValueError`, so generic ``except ValueError`` code keeps working.
The CLI maps any :class:`ParityKitError` to a one-line ``Error: ...`` message and exit code 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PROBLEM_COLUMNS",
    "ConfigurationError",
    "DataValidationError",
    "InputFileError",
    "ParityKitError",
    "ParityKitWarning",
    "UnmappedCodeError",
]

#: Columns of the problems table carried by :class:`DataValidationError`.
PROBLEM_COLUMNS: tuple[str, ...] = ("file", "row", "column", "value", "problem", "expected")


class ParityKitError(Exception):
    """Base class of every error paritykit raises on purpose."""


class InputFileError(ParityKitError, ValueError):
    """An input file is missing, empty, unreadable or of an unsupported kind."""


class ConfigurationError(ParityKitError, ValueError):
    """An option, rule set or column mapping given by the user is invalid."""


class UnmappedCodeError(ParityKitError, ValueError):
    """A code could not be classified under ``unmapped="raise"``."""


class DataValidationError(ParityKitError, ValueError):
    """Input data broke its data contract.

    Parameters
    ----------
    message : str
        A one-line summary.
    problems : pandas.DataFrame, optional
        One row per problem with the columns of :data:`PROBLEM_COLUMNS`: ``file``, ``row``
        (the row number as the user sees it: the spreadsheet row for CSV and Excel files, the
        1-based record number for Parquet files and data frames), ``column``, ``value``,
        ``problem`` and ``expected``.

    Examples
    --------
    >>> import pandas as pd
    >>> err = DataValidationError("1 problem", pd.DataFrame(
    ...     [{"file": "b.csv", "row": 3, "column": "level", "value": "abc",
    ...       "problem": "not a number", "expected": "a number"}]))
    >>> err.problems.loc[0, "row"]
    np.int64(3)
    """

    def __init__(self, message: str, problems: pd.DataFrame | None = None) -> None:
        import pandas as pd

        super().__init__(message)
        if problems is None:
            problems = pd.DataFrame(columns=list(PROBLEM_COLUMNS))
        self.problems: pd.DataFrame = problems.reset_index(drop=True)


class ParityKitWarning(UserWarning):
    """Base class of every warning paritykit emits."""

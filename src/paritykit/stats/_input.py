"""Checks and reshaping shared by the table-level statistics functions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from paritykit import columns as col
from paritykit.errors import PROBLEM_COLUMNS, ConfigurationError, DataValidationError
from paritykit.vocab import MHSUD, MS, SIDE_ALIASES, SIDES, normalize_token

_MAX_LISTED = 8


def as_keys(by: Sequence[str] | str | None) -> list[str]:
    """Normalise a ``by`` / ``strata`` argument to a list of column names."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    keys = list(by)
    if not all(isinstance(k, str) for k in keys):
        raise ConfigurationError(f"Grouping columns must be column names; got {by!r}.")
    return keys


def _raise(problems: list[dict[str, object]], what: str) -> None:
    frame = pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS))
    listed = "; ".join(
        f"row {p['row']} column {p['column']!r}: {p['problem']}" if p["row"] is not None
        else f"column {p['column']!r}: {p['problem']}"
        for p in problems[:_MAX_LISTED]
    )  # fmt: skip
    more = f" (and {len(problems) - _MAX_LISTED} more)" if len(problems) > _MAX_LISTED else ""
    raise DataValidationError(f"{len(problems)} problem(s) in the {what}: {listed}{more}.", frame)


def normalize_sides(frame: pd.DataFrame, what: str) -> pd.Series:
    """Return the ``side`` column mapped to ``"mhsud"``/``"ms"``, or raise listing bad rows."""
    raw = frame[col.SIDE]
    mapped = raw.map(lambda v: SIDE_ALIASES.get(normalize_token(v)) if pd.notna(v) else None)
    bad = mapped.isna()
    if bad.any():
        problems = [
            {"file": "<DataFrame>", "row": int(i) + 1, "column": col.SIDE, "value": raw.iloc[i],
             "problem": "not a side", "expected": f"one of {SIDES}"}
            for i in np.flatnonzero(bad.to_numpy())
        ]  # fmt: skip
        _raise(problems, what)
    return mapped.astype(str)


def check_columns(frame: object, needed: Sequence[str], what: str) -> pd.DataFrame:
    """Raise unless ``frame`` is a DataFrame holding every column in ``needed``."""
    if not isinstance(frame, pd.DataFrame):
        raise DataValidationError(
            f"The {what} must be a pandas DataFrame; got {type(frame).__name__}. Pass the "
            "output of summarize_outcomes or a DataFrame with a 'side' column."
        )
    missing = [c for c in dict.fromkeys(needed) if c not in frame.columns]
    if missing:
        problems = [
            {"file": "<DataFrame>", "row": None, "column": c, "value": None,
             "problem": "column missing", "expected": f"a column named {c!r}"}
            for c in missing
        ]  # fmt: skip
        have = ", ".join(map(str, frame.columns[:20]))
        err_msg = f"The {what} lacks column(s) {missing}; it has: {have}."
        raise DataValidationError(err_msg, pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS)))
    return frame


def check_counts(frame: pd.DataFrame, events: str, trials: str, what: str) -> None:
    """Raise listing every row whose counts are not whole numbers with ``0 <= events <= trials``."""
    problems: list[dict[str, object]] = []
    numeric = {}
    for name in (events, trials):
        values = pd.to_numeric(frame[name], errors="coerce").astype(float).to_numpy()
        numeric[name] = values
        bad = ~np.isfinite(values) | (values < 0) | (np.floor(values) != values)
        for i in np.flatnonzero(bad):
            problems.append(
                {"file": "<DataFrame>", "row": int(i) + 1, "column": name,
                 "value": frame[name].iloc[i], "problem": "not a non-negative whole number",
                 "expected": "a count (0, 1, 2, ...)"}
            )  # fmt: skip
    ev, tr = numeric[events], numeric[trials]
    with np.errstate(invalid="ignore"):
        over = np.isfinite(ev) & np.isfinite(tr) & (ev > tr)
    for i in np.flatnonzero(over):
        problems.append(
            {"file": "<DataFrame>", "row": int(i) + 1, "column": events, "value": ev[i],
             "problem": f"{events} ({ev[i]:g}) exceeds {trials} ({tr[i]:g})",
             "expected": f"{events} <= {trials}; check the columns are not swapped"}
        )  # fmt: skip
    if problems:
        _raise(problems, what)


def wide_counts(
    summary: object, *, events: str, trials: str, keys: Sequence[str], what: str
) -> pd.DataFrame:
    """Sum events and trials per group and side and put the sides side by side.

    Returns one row per group (every group seen on either side) with the group keys and
    ``mhsud_events``, ``mhsud_trials``, ``ms_events``, ``ms_trials`` (integers; a side that
    is absent counts zero).
    """
    frame = check_columns(summary, [*keys, col.SIDE, events, trials], what)
    if events == trials:
        raise ConfigurationError(
            f"events and trials must be different columns; both are {events!r}."
        )
    check_counts(frame, events, trials, what)
    work = pd.DataFrame(
        {
            **{k: frame[k].to_numpy() for k in keys},
            col.SIDE: normalize_sides(frame, what).to_numpy(),
            "_events": pd.to_numeric(frame[events]).astype("int64").to_numpy(),
            "_trials": pd.to_numeric(frame[trials]).astype("int64").to_numpy(),
        }
    )
    if keys:
        null_keys = work[keys].isna().any(axis=1)
        if null_keys.any():
            problems = [
                {"file": "<DataFrame>", "row": int(i) + 1, "column": ", ".join(keys),
                 "value": None, "problem": "missing group key",
                 "expected": "a value in every grouping column"}
                for i in np.flatnonzero(null_keys.to_numpy())
            ]  # fmt: skip
            _raise(problems, what)
    work["_all"] = 0
    group_cols = [*(keys or ["_all"]), col.SIDE]
    summed = work.groupby(group_cols, sort=True, observed=True)[["_events", "_trials"]].sum()
    wide = summed.unstack(col.SIDE, fill_value=0)
    out = pd.DataFrame(index=wide.index)
    for side, prefix in ((MHSUD, "mhsud"), (MS, "ms")):
        for src, suffix in (("_events", "events"), ("_trials", "trials")):
            name = f"{prefix}_{suffix}"
            out[name] = wide[(src, side)].astype("int64") if (src, side) in wide.columns else 0
    out = out.reset_index()
    if not keys:
        out = out.drop(columns="_all")
    return out

"""The benefits data contract: one row per benefit bucket and requirement type.

See ``docs/data-contracts.md`` for the contract in prose. :func:`validate_benefits` checks a
:class:`~paritykit.load.tables.RawTable` against it, collecting every problem before raising, and
returns a typed, tidy DataFrame.

Level rule (documented in the contract): ``level`` is a plain number in the requirement's own
unit: dollars for copays, deductibles and out-of-pocket maximums, **percentage points** for
coinsurance (``20`` or ``20%`` both mean 20 percent; an Excel cell formatted as a percentage is
read as what it shows), days or visits for limits. A bare coinsurance number between 0 and 1
(``0.2``) is ambiguous and rejected with a message saying to write ``20`` or ``20%``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from paritykit import columns as C
from paritykit import vocab
from paritykit.load.tables import RawTable
from paritykit.validate.common import (
    DuplicatePolicy,
    check_columns,
    exact_duplicates,
    match_code,
    required_code,
    side_code,
    sub_classification,
)
from paritykit.validate.problems import ProblemLog

__all__ = ["BENEFITS_CONTRACT_NAME", "DuplicatePolicy", "validate_benefits"]

BENEFITS_CONTRACT_NAME = "benefits"

#: Words that mean "not subject to this requirement" (for limits: unlimited).
NOT_SUBJECT_WORDS = frozenset(
    {"none", "no_charge", "not_applicable", "n_a", "na", "unlimited", "no_limit", "not_subject"}
)
_MONEY_CHARS = re.compile(r"[$,\s]")
#: Thousands separators as the US writes them: groups of exactly three digits after a comma.
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")

#: Largest plausible dollar level (copay, deductible, out-of-pocket maximum): $1,000,000,000.
MAX_LEVEL_DOLLARS = 1_000_000_000
#: Largest plausible day or visit limit.
MAX_LIMIT_COUNT = 1_000_000
#: Largest plausible projected payments for one benefit in one plan year: $1,000,000,000,000
#: (a fifth of all US health spending). Larger numbers are unit or paste errors.
MAX_PROJECTED_PAYMENTS = 1_000_000_000_000


def _parse_number(value: object) -> tuple[Decimal | None, bool, str | None]:
    """Parse a cell as a number.

    Returns ``(number, had_percent_sign, error)``; ``number`` is None for blank or
    not-subject words (``error`` then None) or when unparseable (``error`` set).
    """
    if value is None:
        return None, False, None
    if isinstance(value, bool):
        return None, False, "a true/false value is not a number"
    if isinstance(value, int | float | np.integer | np.floating):
        if isinstance(value, float | np.floating) and not np.isfinite(value):
            return (None, False, None) if np.isnan(value) else (None, False, "not finite")
        return (
            Decimal(repr(float(value)))
            if isinstance(value, float | np.floating)
            else Decimal(int(value)),
            False,
            None,
        )
    text = str(value).strip()
    if vocab.normalize_token(text) in NOT_SUBJECT_WORDS:
        return None, False, None
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    text = _MONEY_CHARS.sub("", text) if "," not in text else re.sub(r"[$\s]", "", text)
    if "," in text and not _THOUSANDS.match(text):
        return None, percent, "written with a decimal comma (or misplaced thousands separators)"
    text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, percent, "not a number"
    if not number.is_finite():
        return None, percent, "not a finite number"
    return (-number if negative else number), percent, None


def validate_benefits(raw: RawTable, *, duplicates: DuplicatePolicy = "raise") -> pd.DataFrame:
    """Validate a raw benefits table against the contract and return the typed table.

    Parameters
    ----------
    raw : RawTable
        The table as read by :func:`paritykit.load.tables.read_raw_table`.
    duplicates : {"raise", "drop"}
        What to do with rows that repeat an earlier row exactly: report them as problems
        (default), or drop them and record their row numbers in ``attrs["dropped_duplicates"]``.

    Returns
    -------
    pandas.DataFrame
        Columns of ``paritykit.columns.BENEFITS_COLUMNS`` plus ``source_row``; ``attrs`` holds
        ``source``, ``sheet``, ``blank_rows`` and ``dropped_duplicates``.

    Raises
    ------
    DataValidationError
        With every problem found, each naming file, row, column, value and what was expected.
    """
    if duplicates not in ("raise", "drop"):
        from paritykit.errors import ConfigurationError

        raise ConfigurationError(f"duplicates must be 'raise' or 'drop', not {duplicates!r}")
    log = ProblemLog(raw.file, "benefits table")
    present = check_columns(
        raw, log, columns=C.BENEFITS_COLUMNS, required=C.BENEFITS_REQUIRED, contract="benefits"
    )
    frame = raw.frame
    if frame.empty and not len(log):
        log.add(
            "the table has a header but no data rows",
            row=raw.header_row,
            expected="at least one benefit row",
        )
    records: list[dict[str, object]] = []
    for rec in frame.to_dict("records"):
        records.append(_validate_row(rec, present, log))
    out = pd.DataFrame.from_records(records, columns=[*C.BENEFITS_COLUMNS, C.SOURCE_ROW])
    dropped: list[int] = []
    if len(out) and not len(log):
        dropped = _check_table(out, log, duplicates)
        if dropped:
            out = out[~out[C.SOURCE_ROW].isin(dropped)]
    log.raise_if_any()
    out = out.reset_index(drop=True)
    for name in (C.LEVEL, C.PROJECTED_PAYMENTS):
        out[name] = out[name].astype("float64")
    out[C.SOURCE_ROW] = out[C.SOURCE_ROW].astype("int64")
    out.attrs.update(
        {
            "paritykit_contract": BENEFITS_CONTRACT_NAME,
            "source": raw.file,
            "sheet": raw.sheet,
            "blank_rows": list(raw.blank_rows),
            "read_notes": list(raw.notes),
            "dropped_duplicates": dropped,
        }
    )
    return out


def _validate_row(rec: dict[str, object], present: set[str], log: ProblemLog) -> dict[str, object]:
    row = int(rec[C.SOURCE_ROW])  # type: ignore[arg-type]
    out: dict[str, object] = {name: None for name in C.BENEFITS_COLUMNS}
    out[C.SOURCE_ROW] = row

    def cell(name: str) -> object:
        return rec.get(name) if name in present else None

    def required_text(name: str) -> str | None:
        value = cell(name)
        if value is None:
            if name in present:
                log.add("a value is required", row=row, column=name, expected=f"a {name}")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    out[C.PLAN_ID] = required_text(C.PLAN_ID)
    out[C.BENEFIT] = required_text(C.BENEFIT)
    unit = cell(C.COVERAGE_UNIT)
    out[C.COVERAGE_UNIT] = (
        vocab.normalize_token(unit) if unit is not None else vocab.COVERAGE_UNIT_DEFAULT
    )

    out[C.CLASSIFICATION] = required_code(
        cell(C.CLASSIFICATION),
        C.CLASSIFICATION,
        present,
        row,
        log,
        vocab.CLASSIFICATIONS,
        vocab.CLASSIFICATION_ALIASES,
        "classification",
    )
    out[C.SUB_CLASSIFICATION] = sub_classification(
        cell(C.SUB_CLASSIFICATION), out[C.CLASSIFICATION], row, log
    )

    out[C.SIDE] = side_code(cell(C.SIDE), present, row, log)

    out[C.REQUIREMENT_TYPE] = required_code(
        cell(C.REQUIREMENT_TYPE),
        C.REQUIREMENT_TYPE,
        present,
        row,
        log,
        vocab.BENEFIT_REQUIREMENT_TYPES,
        vocab.REQUIREMENT_ALIASES,
        "requirement type",
    )

    out[C.LEVEL] = _validate_level(cell(C.LEVEL), out[C.REQUIREMENT_TYPE], row, log)

    payments = cell(C.PROJECTED_PAYMENTS)
    number, percent, error = _parse_number(payments)
    if error or percent:
        log.add(
            f"projected payments are {error or 'written as a percentage'}",
            row=row,
            column=C.PROJECTED_PAYMENTS,
            value=payments,
            expected="a dollar amount such as 125000 or $125,000.00",
        )
    elif number is None:
        pass  # blank: on M/S rows the classification is screened without payments
    elif number < 0:
        log.add(
            "projected payments are negative",
            row=row,
            column=C.PROJECTED_PAYMENTS,
            value=payments,
            expected="a dollar amount >= 0",
        )
    elif number > MAX_PROJECTED_PAYMENTS:
        log.add(
            f"projected payments are implausibly large (more than {MAX_PROJECTED_PAYMENTS:,} "
            "dollars for one benefit)",
            row=row,
            column=C.PROJECTED_PAYMENTS,
            value=payments,
            expected="the plan's projected payments in dollars (check the unit and the cell)",
        )
    else:
        out[C.PROJECTED_PAYMENTS] = float(number)

    accumulation = cell(C.ACCUMULATION)
    if accumulation is not None:
        code, hint = match_code(accumulation, vocab.ACCUMULATIONS)
        if code is None:
            log.add(
                f"unknown accumulation{hint}",
                row=row,
                column=C.ACCUMULATION,
                value=accumulation,
                expected="'combined', 'separate' or blank",
            )
        elif out[C.REQUIREMENT_TYPE] in (*vocab.CUMULATIVE_REQUIREMENTS, *vocab.DOLLAR_LIMITS):
            out[C.ACCUMULATION] = code
    return out


def _validate_level(value: object, requirement: object, row: int, log: ProblemLog) -> float:
    number, percent, error = _parse_number(value)
    if error:
        log.add(
            f"level is {error}",
            row=row,
            column=C.LEVEL,
            value=value,
            expected=_level_expectation(requirement),
        )
        return np.nan
    if number is None:
        return np.nan
    if number < 0:
        log.add(
            "level is negative",
            row=row,
            column=C.LEVEL,
            value=value,
            expected=_level_expectation(requirement),
        )
        return np.nan
    if requirement == "coinsurance":
        if not percent and 0 < number < 1:
            pct = f"{(number * 100).normalize():f}"
            log.add(
                "coinsurance written as a fraction is ambiguous",
                row=row,
                column=C.LEVEL,
                value=value,
                expected=f"percentage points: write {pct} or {pct}%",
            )
            return np.nan
        if number > 100:
            log.add(
                "coinsurance above 100%",
                row=row,
                column=C.LEVEL,
                value=value,
                expected="a percentage from 0 to 100",
            )
            return np.nan
    elif percent and requirement is not None:
        log.add(
            f"a percentage is not a valid {requirement} level",
            row=row,
            column=C.LEVEL,
            value=value,
            expected=_level_expectation(requirement),
        )
        return np.nan
    bound = MAX_LIMIT_COUNT if requirement in vocab.TREATMENT_LIMITS else MAX_LEVEL_DOLLARS
    if requirement != "coinsurance" and number > bound:
        log.add(
            f"level is implausibly large (more than {bound:,})",
            row=row,
            column=C.LEVEL,
            value=value,
            expected=_level_expectation(requirement),
        )
        return np.nan
    if requirement in vocab.DOLLAR_LIMITS and number == 0:
        log.add(
            f"a {requirement} of 0 means no coverage",
            row=row,
            column=C.LEVEL,
            value=value,
            expected="a dollar amount such as 1000000, or blank for no limit",
        )
        return np.nan
    if requirement in vocab.TREATMENT_LIMITS:
        if number == 0:
            log.add(
                f"a {requirement} of 0 means no coverage",
                row=row,
                column=C.LEVEL,
                value=value,
                expected="a whole number of days/visits >= 1, or blank for unlimited",
            )
            return np.nan
        if number != number.to_integral_value():
            log.add(
                f"a {requirement} must be a whole number",
                row=row,
                column=C.LEVEL,
                value=value,
                expected="a whole number of days/visits >= 1",
            )
            return np.nan
    return float(number)


def _level_expectation(requirement: object) -> str:
    return {
        "copay": "a dollar amount such as 30 or $30 (0 or blank: no copay)",
        "coinsurance": "percentage points such as 20 or 20% (0 or blank: none)",
        "deductible": "a dollar amount such as 1500 (0 or blank: none)",
        "out_of_pocket_max": "a dollar amount such as 6000 (0 or blank: none)",
        "day_limit": "a whole number of days (blank: unlimited)",
        "visit_limit": "a whole number of visits (blank: unlimited)",
        "annual_dollar_limit": "a dollar amount such as 100000 (blank: no limit)",
        "lifetime_dollar_limit": "a dollar amount such as 1000000 (blank: no limit)",
    }.get(str(requirement), "a number")


_BUCKET = [C.PLAN_ID, C.COVERAGE_UNIT, C.CLASSIFICATION, C.SUB_CLASSIFICATION, C.SIDE, C.BENEFIT]


def _check_table(out: pd.DataFrame, log: ProblemLog, duplicates: DuplicatePolicy) -> list[int]:
    """Checks across rows. Returns the source rows dropped as exact duplicates."""
    keyed = out.fillna({C.SUB_CLASSIFICATION: "", C.ACCUMULATION: ""})
    exact, dropped = exact_duplicates(
        keyed,
        [*C.BENEFITS_COLUMNS],
        log,
        duplicates=duplicates,
        expected="each benefit bucket once",
    )
    kept = keyed[~exact]
    # One level per benefit bucket and requirement type.
    key = [*_BUCKET, C.REQUIREMENT_TYPE]
    clash = kept.duplicated(subset=key, keep="first")
    first_key_row = kept.groupby(key, dropna=False)[C.SOURCE_ROW].transform("min")
    for idx in kept.index[clash]:
        log.add(
            f"benefit '{kept.at[idx, C.BENEFIT]}' already has a "
            f"{kept.at[idx, C.REQUIREMENT_TYPE]} row (row {int(first_key_row[idx])}) with "
            "different values",
            row=int(kept.at[idx, C.SOURCE_ROW]),
            column=C.REQUIREMENT_TYPE,
            value=kept.at[idx, C.REQUIREMENT_TYPE],
            expected="one row per benefit and requirement type",
        )
    # A benefit's projected payments are the same on each of its rows.
    ms = kept[kept[C.SIDE] == vocab.MS]
    for _, group in ms.groupby(_BUCKET, dropna=False, sort=False):
        values = group[C.PROJECTED_PAYMENTS]
        if values.nunique(dropna=False) > 1:
            first = group.iloc[0]
            for _, rec in group.iloc[1:].iterrows():
                if rec[C.PROJECTED_PAYMENTS] != first[C.PROJECTED_PAYMENTS]:
                    log.add(
                        f"benefit '{rec[C.BENEFIT]}' has projected payments "
                        f"{first[C.PROJECTED_PAYMENTS]:,.2f} on row {int(first[C.SOURCE_ROW])}"
                        " but a different amount here",
                        row=int(rec[C.SOURCE_ROW]),
                        column=C.PROJECTED_PAYMENTS,
                        value=rec[C.PROJECTED_PAYMENTS],
                        expected="the same projected payments on every row of one benefit",
                    )
    _check_payments_all_or_none(ms, log)
    # Within one plan, unit and classification, use sub-classifications on all rows or none.
    for _, group in kept.groupby([C.PLAN_ID, C.COVERAGE_UNIT, C.CLASSIFICATION], sort=False):
        has_sub = group[C.SUB_CLASSIFICATION] != ""
        if has_sub.any() and not has_sub.all():
            used = sorted(set(group.loc[has_sub, C.SUB_CLASSIFICATION]))
            for _, rec in group[~has_sub].iterrows():
                log.add(
                    "sub_classification is blank, but other rows of plan "
                    f"'{rec[C.PLAN_ID]}' in {rec[C.CLASSIFICATION]} use {used}",
                    row=int(rec[C.SOURCE_ROW]),
                    column=C.SUB_CLASSIFICATION,
                    expected="a sub-classification on every row of this classification, or on none",
                )
    return dropped


def _check_payments_all_or_none(ms: pd.DataFrame, log: ProblemLog) -> None:
    """Projected payments on every M/S benefit of a tested group, or on none (screening).

    A benefit whose rows disagree is already reported by the same-payments check and is left
    out here.
    """
    group_key = [C.PLAN_ID, C.COVERAGE_UNIT, C.CLASSIFICATION, C.SUB_CLASSIFICATION]
    for _, group in ms.groupby(group_key, dropna=False, sort=False):
        has = group[C.PROJECTED_PAYMENTS].notna()
        if has.all() or not has.any():
            continue
        per_benefit = has.groupby(group[C.BENEFIT]).agg(["all", "any"])
        mixed_benefits = set(per_benefit.index[per_benefit["any"] & ~per_benefit["all"]])
        first = group[has].iloc[0]
        where = str(first[C.CLASSIFICATION])
        if first[C.SUB_CLASSIFICATION]:
            where += f" ({first[C.SUB_CLASSIFICATION]})"
        for _, rec in group[~has].iterrows():
            if rec[C.BENEFIT] in mixed_benefits:
                continue
            log.add(
                f"M/S benefit '{rec[C.BENEFIT]}' has no projected payments, but other M/S "
                f"benefits of plan '{rec[C.PLAN_ID]}' in {where} do (row "
                f"{int(first[C.SOURCE_ROW])}, '{first[C.BENEFIT]}')",
                row=int(rec[C.SOURCE_ROW]),
                column=C.PROJECTED_PAYMENTS,
                expected="projected payments on every M/S row of the classification (the full "
                "test), or on none (a screening without payments)",
            )


#: What each contract column holds, for the Excel template's instructions and the docs.
BENEFITS_COLUMN_HELP: dict[str, str] = {
    C.PLAN_ID: "Required. Any identifier of the plan (e.g. the plan name or number).",
    C.COVERAGE_UNIT: "Optional. Coverage unit the levels apply to: self_only (default when "
    "blank), family, employee_plus_one, ... The test runs separately for each unit.",
    C.CLASSIFICATION: "Required. One of: " + ", ".join(vocab.CLASSIFICATIONS) + ".",
    C.SUB_CLASSIFICATION: "Optional. For outpatient benefits: office_visits or "
    "all_other_outpatient; or a network or drug tier name. Use it on every row of a "
    "classification or on none.",
    C.SIDE: "Required. ms (medical/surgical) or mhsud (mental health / substance use disorder).",
    C.BENEFIT: "Required. A label for the benefit (e.g. 'Specialist visit').",
    C.REQUIREMENT_TYPE: "Required. One of: "
    + ", ".join(vocab.BENEFIT_REQUIREMENT_TYPES)
    + ". One row "
    "per benefit and requirement type.",
    C.LEVEL: "The level: dollars for copay, deductible and out_of_pocket_max; percentage points "
    "for coinsurance (20 or 20% mean 20 percent; 0.2 is rejected as ambiguous); days or visits "
    "for limits. 0 or blank means the benefit is not subject; for limits blank means unlimited.",
    C.PROJECTED_PAYMENTS: "On ms rows: the plan's projected payments for this benefit "
    "for the plan year, in dollars (for deductibles and out-of-pocket maximums, as if the "
    "threshold had not been met). Repeat the same amount on each row of one benefit. Leave it "
    "blank on every ms row of a classification when you do not have the plan's numbers: the "
    "classification is then screened without payments. Optional on mhsud rows.",
    C.ACCUMULATION: "For deductible, out_of_pocket_max, day_limit, visit_limit and the dollar "
    "limits: combined (MH/SUD and M/S count toward one shared amount; the default when blank) "
    "or separate.",
}

"""The NQTL inventory contract and the comparative-analysis answers contract.

An *NQTL inventory* has one row per plan x classification (or permitted sub-classification) x
side x type of non-quantitative treatment limitation (NQTL): whether the plan applies it, to
which services, how often it reviews, and the factors and evidentiary standards the plan says it
used. *Comparative-analysis answers* have one row per NQTL with the six elements of the plan's
comparative analysis as text. See ``docs/nqtl.md``.

:func:`validate_nqtls` and :func:`validate_comparative_analysis` check a
:class:`~paritykit.load.tables.RawTable` against these contracts, collect every problem (file,
row, column, value, expected) before raising one
:class:`~paritykit.errors.DataValidationError`, and return typed, tidy DataFrames.
"""

from __future__ import annotations

import re
from typing import Final, Literal, get_args

import numpy as np
import pandas as pd

from paritykit import columns as C
from paritykit import vocab
from paritykit.errors import ConfigurationError
from paritykit.load.tables import RawTable
from paritykit.validate.common import (
    DuplicatePolicy,
    check_columns,
    exact_duplicates,
    required_code,
    side_code,
    sub_classification,
)
from paritykit.validate.problems import ProblemLog

__all__ = [
    "ANALYSIS_COLUMN_HELP",
    "ANALYSIS_CONTRACT_NAME",
    "NQTL_COLUMN_HELP",
    "NQTL_CONTRACT_NAME",
    "NQTL_TYPES",
    "NQTL_TYPE_ALIASES",
    "NQTL_TYPE_LABELS",
    "NqtlType",
    "validate_comparative_analysis",
    "validate_nqtls",
]

NQTL_CONTRACT_NAME: Final = "nqtls"
ANALYSIS_CONTRACT_NAME: Final = "nqtl_comparative_analysis"

NqtlType = Literal[
    "prior_authorization",
    "concurrent_review",
    "retrospective_review",
    "medical_necessity_criteria",
    "step_therapy",
    "network_admission",
    "reimbursement_method",
    "out_of_network_rate_method",
    "service_exclusion",
    "facility_type_restriction",
    "provider_licensure_restriction",
    "geographic_restriction",
    "written_treatment_plan",
    "other",
]
NQTL_TYPES: Final[tuple[str, ...]] = get_args(NqtlType)
#: Common spellings accepted for each NQTL type (after :func:`paritykit.vocab.normalize_token`).
NQTL_TYPE_ALIASES: Final[dict[str, str]] = {
    "prior_auth": "prior_authorization",
    "preauthorization": "prior_authorization",
    "pre_authorization": "prior_authorization",
    "precertification": "prior_authorization",
    "pre_certification": "prior_authorization",
    "pa": "prior_authorization",
    "concurrent_utilization_review": "concurrent_review",
    "retrospective_utilization_review": "retrospective_review",
    "retro_review": "retrospective_review",
    "medical_necessity": "medical_necessity_criteria",
    "medical_necessity_criterion": "medical_necessity_criteria",
    "fail_first": "step_therapy",
    "step_therapy_fail_first": "step_therapy",
    "network_admission_standards": "network_admission",
    "provider_admission": "network_admission",
    "credentialing": "network_admission",
    "reimbursement": "reimbursement_method",
    "reimbursement_rates": "reimbursement_method",
    "in_network_reimbursement": "reimbursement_method",
    "out_of_network_reimbursement": "out_of_network_rate_method",
    "usual_customary_and_reasonable": "out_of_network_rate_method",
    "ucr": "out_of_network_rate_method",
    "exclusion": "service_exclusion",
    "facility_type": "facility_type_restriction",
    "provider_licensure": "provider_licensure_restriction",
    "licensure_restriction": "provider_licensure_restriction",
    "geographic": "geographic_restriction",
    "geographic_limitation": "geographic_restriction",
    "treatment_plan": "written_treatment_plan",
    "treatment_plan_requirement": "written_treatment_plan",
}
#: How each NQTL type reads in a sentence (a noun phrase without article).
NQTL_TYPE_LABELS: Final[dict[str, str]] = {
    "prior_authorization": "prior authorization",
    "concurrent_review": "concurrent review",
    "retrospective_review": "retrospective review",
    "medical_necessity_criteria": "medical necessity criteria",
    "step_therapy": "step therapy (fail-first)",
    "network_admission": "network admission standards",
    "reimbursement_method": "in-network reimbursement method",
    "out_of_network_rate_method": "out-of-network rate method",
    "service_exclusion": "service exclusion",
    "facility_type_restriction": "facility-type restriction",
    "provider_licensure_restriction": "provider licensure restriction",
    "geographic_restriction": "geographic restriction",
    "written_treatment_plan": "written treatment plan requirement",
    "other": "limitation",
}

TRUE_WORDS: Final = frozenset({"true", "yes", "y", "1", "x", "applies", "applied", "t"})
FALSE_WORDS: Final = frozenset(
    {"false", "no", "n", "0", "f", "does_not_apply", "not_applied", "none"}
)
#: Review intervals written as words, in days.
INTERVAL_WORDS: Final[dict[str, float]] = {
    "daily": 1.0,
    "every_day": 1.0,
    "weekly": 7.0,
    "every_week": 7.0,
    "biweekly": 14.0,
    "every_two_weeks": 14.0,
    "monthly": 30.0,
    "every_month": 30.0,
}
_DAYS = re.compile(r"^(?:every\s+)?(\d+(?:\.\d+)?)\s*(?:days?|d)?$", re.IGNORECASE)


def _text(value: object) -> str | None:
    """A cell as stripped text (whole floats without '.0'), or None when blank."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _parse_bool(value: object) -> bool | None:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating) and value in (0, 1):
        return bool(value)
    token = vocab.normalize_token(value)
    if token in TRUE_WORDS:
        return True
    if token in FALSE_WORDS:
        return False
    return None


def _parse_interval(value: object) -> tuple[float | None, str | None]:
    """Parse a review interval in days; return ``(days, error)``."""
    if isinstance(value, bool | np.bool_):
        return None, "a true/false value is not a number of days"
    if isinstance(value, int | float | np.integer | np.floating):
        days = float(value)
    else:
        text = str(value).strip()
        token = vocab.normalize_token(text)
        if token in INTERVAL_WORDS:
            return INTERVAL_WORDS[token], None
        match = _DAYS.match(text)
        if not match:
            return None, "not a number of days"
        days = float(match.group(1))
    if not np.isfinite(days) or days <= 0:
        return None, "not a positive number of days"
    if days > MAX_REVIEW_INTERVAL_DAYS:
        return None, f"implausibly long (more than {MAX_REVIEW_INTERVAL_DAYS:,} days)"
    return days, None


#: Longest plausible review interval: ten years (a longer one is a unit or typing error).
MAX_REVIEW_INTERVAL_DAYS = 3650


def validate_nqtls(raw: RawTable, *, duplicates: DuplicatePolicy = "raise") -> pd.DataFrame:
    """Validate a raw NQTL inventory against the contract and return the typed table.

    Parameters
    ----------
    raw : RawTable
        The table as read by :func:`paritykit.load.tables.read_raw_table`.
    duplicates : {"raise", "drop"}
        Rows that repeat an earlier row exactly are problems (default), or are dropped with
        their row numbers kept in ``attrs["dropped_duplicates"]``.

    Returns
    -------
    pandas.DataFrame
        Columns of ``paritykit.columns.NQTL_COLUMNS`` plus ``source_row``; ``applies`` is
        boolean, ``review_interval_days`` float (NaN when blank); ``attrs`` holds ``source``,
        ``sheet``, ``blank_rows`` and ``dropped_duplicates``.

    Raises
    ------
    DataValidationError
        With every problem found, each naming file, row, column, value and what was expected.
    """
    if duplicates not in ("raise", "drop"):
        raise ConfigurationError(f"duplicates must be 'raise' or 'drop', not {duplicates!r}")
    log = ProblemLog(raw.file, "NQTL inventory")
    present = check_columns(
        raw, log, columns=C.NQTL_COLUMNS, required=C.NQTL_REQUIRED, contract="NQTL inventory"
    )
    if raw.frame.empty and not len(log):
        log.add(
            "the table has a header but no data rows",
            row=raw.header_row,
            expected="at least one NQTL row",
        )
    records = [_validate_nqtl_row(rec, present, log) for rec in raw.frame.to_dict("records")]
    out = pd.DataFrame.from_records(records, columns=[*C.NQTL_COLUMNS, C.SOURCE_ROW])
    dropped: list[int] = []
    if len(out) and not len(log):
        dropped = _check_nqtl_table(out, log, duplicates)
        out = out[~out[C.SOURCE_ROW].isin(dropped)]
    log.raise_if_any()
    out = out.reset_index(drop=True)
    out[C.APPLIES] = out[C.APPLIES].astype(bool)
    out[C.REVIEW_INTERVAL_DAYS] = out[C.REVIEW_INTERVAL_DAYS].astype("float64")
    out[C.SOURCE_ROW] = out[C.SOURCE_ROW].astype("int64")
    text = [c for c in C.NQTL_COLUMNS if c not in (C.APPLIES, C.REVIEW_INTERVAL_DAYS)]
    out[text] = out[text].astype(object).where(out[text].notna(), None)
    out.attrs.update(
        {
            "paritykit_contract": NQTL_CONTRACT_NAME,
            "source": raw.file,
            "sheet": raw.sheet,
            "blank_rows": list(raw.blank_rows),
            "read_notes": list(raw.notes),
            "dropped_duplicates": dropped,
        }
    )
    return out


def _validate_nqtl_row(
    rec: dict[str, object], present: set[str], log: ProblemLog
) -> dict[str, object]:
    row = int(rec[C.SOURCE_ROW])  # type: ignore[arg-type]
    out: dict[str, object] = {name: None for name in C.NQTL_COLUMNS}
    out[C.SOURCE_ROW] = row

    def cell(name: str) -> object:
        return _text(rec.get(name)) if name in present else None

    def raw_cell(name: str) -> object:
        value = rec.get(name) if name in present else None
        return None if _text(value) is None else value

    plan = cell(C.PLAN_ID)
    if plan is None and C.PLAN_ID in present:
        log.add("a value is required", row=row, column=C.PLAN_ID, expected="a plan_id")
    out[C.PLAN_ID] = plan
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
        cell(C.SUB_CLASSIFICATION),
        out[C.CLASSIFICATION],
        row,
        log,  # type: ignore[arg-type]
    )
    out[C.SIDE] = side_code(cell(C.SIDE), present, row, log)
    out[C.NQTL_TYPE] = required_code(
        cell(C.NQTL_TYPE),
        C.NQTL_TYPE,
        present,
        row,
        log,
        NQTL_TYPES,
        NQTL_TYPE_ALIASES,
        "NQTL type",
    )
    applies = raw_cell(C.APPLIES)
    if applies is None:
        if C.APPLIES in present:
            log.add(
                "a value is required",
                row=row,
                column=C.APPLIES,
                expected="yes or no (does the plan apply this NQTL here?)",
            )
    else:
        flag = _parse_bool(applies)
        if flag is None:
            log.add(
                "not a yes/no value",
                row=row,
                column=C.APPLIES,
                value=applies,
                expected="yes/no, true/false, y/n or 1/0",
            )
        out[C.APPLIES] = flag
    interval = raw_cell(C.REVIEW_INTERVAL_DAYS)
    out[C.REVIEW_INTERVAL_DAYS] = np.nan
    if interval is not None:
        days, error = _parse_interval(interval)
        if error:
            log.add(
                f"review interval is {error}",
                row=row,
                column=C.REVIEW_INTERVAL_DAYS,
                value=interval,
                expected="days between reviews, a number > 0 such as 3, '3 days' or 'weekly'",
            )
        else:
            out[C.REVIEW_INTERVAL_DAYS] = days
    for name in (C.SCOPE, C.FACTORS, C.EVIDENTIARY_STANDARDS, C.NQTL_SOURCE):
        out[name] = cell(name)
    return out


_NQTL_KEY = [
    C.PLAN_ID,
    C.CLASSIFICATION,
    C.SUB_CLASSIFICATION,
    C.SIDE,
    C.NQTL_TYPE,
    C.SCOPE,
]


def _check_nqtl_table(out: pd.DataFrame, log: ProblemLog, duplicates: DuplicatePolicy) -> list[int]:
    """Checks across rows. Returns the source rows dropped as exact duplicates."""
    keyed = out.fillna({c: "" for c in (C.SUB_CLASSIFICATION, C.SCOPE)})
    value_cols = [c for c in C.NQTL_COLUMNS if c != C.NQTL_SOURCE]
    exact, dropped = exact_duplicates(
        keyed,
        value_cols,
        log,
        duplicates=duplicates,
        expected="each NQTL once per plan, classification, side and scope",
    )
    kept = keyed[~exact]
    clash = kept.duplicated(subset=_NQTL_KEY, keep="first")
    first_key = kept.groupby(_NQTL_KEY, dropna=False)[C.SOURCE_ROW].transform("min")
    for idx in kept.index[clash]:
        log.add(
            f"{kept.at[idx, C.NQTL_TYPE]} for side {kept.at[idx, C.SIDE]} in "
            f"{kept.at[idx, C.CLASSIFICATION]} with the same scope is already listed on row "
            f"{int(first_key[idx])} with different values",
            row=int(kept.at[idx, C.SOURCE_ROW]),
            column=C.NQTL_TYPE,
            value=kept.at[idx, C.NQTL_TYPE],
            expected="one row per plan, classification, side, NQTL type and scope (give "
            "different scopes different text)",
        )
    return dropped


def validate_comparative_analysis(raw: RawTable) -> pd.DataFrame:
    """Validate comparative-analysis answers (one row per NQTL) and return the typed table.

    The six element columns (``description``, ``factors``, ``evidentiary_standards``,
    ``as_written_analysis``, ``in_operation_analysis``, ``findings_and_conclusions``) must be
    present as columns; their cells may be blank (a blank cell is what the sufficiency check
    reports as a missing element).

    Parameters
    ----------
    raw : RawTable
        The table as read by :func:`paritykit.load.nqtl.read_comparative_analysis`.

    Returns
    -------
    pandas.DataFrame
        Columns of ``paritykit.columns.ANALYSIS_COLUMNS`` plus ``source_row``; blank cells are
        ``None``.

    Raises
    ------
    DataValidationError
        With every problem found.
    """
    log = ProblemLog(raw.file, "comparative analysis")
    required = (C.PLAN_ID, C.CLASSIFICATION, C.NQTL_TYPE, *C.ANALYSIS_ELEMENTS)
    present = check_columns(
        raw,
        log,
        columns=C.ANALYSIS_COLUMNS,
        required=required,
        contract="comparative-analysis",
    )
    if raw.frame.empty and not len(log):
        log.add(
            "the table has a header but no data rows",
            row=raw.header_row,
            expected="one row per NQTL analysed",
        )
    records: list[dict[str, object]] = []
    for rec in raw.frame.to_dict("records"):
        row = int(rec[C.SOURCE_ROW])
        out: dict[str, object] = {
            name: (_text(rec.get(name)) if name in present else None) for name in C.ANALYSIS_COLUMNS
        }
        out[C.SOURCE_ROW] = row
        if out[C.PLAN_ID] is None and C.PLAN_ID in present:
            log.add("a value is required", row=row, column=C.PLAN_ID, expected="a plan_id")
        out[C.CLASSIFICATION] = required_code(
            out[C.CLASSIFICATION],
            C.CLASSIFICATION,
            present,
            row,
            log,
            vocab.CLASSIFICATIONS,
            vocab.CLASSIFICATION_ALIASES,
            "classification",
        )
        out[C.SUB_CLASSIFICATION] = sub_classification(
            out[C.SUB_CLASSIFICATION],
            out[C.CLASSIFICATION],
            row,
            log,  # type: ignore[arg-type]
        )
        out[C.NQTL_TYPE] = required_code(
            out[C.NQTL_TYPE],
            C.NQTL_TYPE,
            present,
            row,
            log,
            NQTL_TYPES,
            NQTL_TYPE_ALIASES,
            "NQTL type",
        )
        records.append(out)
    frame = pd.DataFrame.from_records(records, columns=[*C.ANALYSIS_COLUMNS, C.SOURCE_ROW])
    if len(frame) and not len(log):
        key = list(C.ANALYSIS_KEY)
        keyed = frame.fillna({C.SUB_CLASSIFICATION: ""})
        clash = keyed.duplicated(subset=key, keep="first")
        first = keyed.groupby(key)[C.SOURCE_ROW].transform("min")
        for idx in keyed.index[clash]:
            log.add(
                f"the analysis of {keyed.at[idx, C.NQTL_TYPE]} in "
                f"{keyed.at[idx, C.CLASSIFICATION]} is already given on row {int(first[idx])}",
                row=int(keyed.at[idx, C.SOURCE_ROW]),
                column=C.NQTL_TYPE,
                value=keyed.at[idx, C.NQTL_TYPE],
                expected="one row per plan, classification, sub-classification and NQTL type",
            )
    log.raise_if_any()
    text = list(C.ANALYSIS_COLUMNS)
    frame[text] = frame[text].astype(object).where(frame[text].notna(), None)
    frame[C.SOURCE_ROW] = frame[C.SOURCE_ROW].astype("int64")
    frame.attrs.update(
        {
            "paritykit_contract": ANALYSIS_CONTRACT_NAME,
            "source": raw.file,
            "sheet": raw.sheet,
            "blank_rows": list(raw.blank_rows),
            "read_notes": list(raw.notes),
        }
    )
    return frame.reset_index(drop=True)


#: What each NQTL inventory column holds (for the Excel template and the docs).
NQTL_COLUMN_HELP: dict[str, str] = {
    C.PLAN_ID: "Required. Any identifier of the plan.",
    C.CLASSIFICATION: "Required. One of: " + ", ".join(vocab.CLASSIFICATIONS) + ".",
    C.SUB_CLASSIFICATION: "Optional. office_visits or all_other_outpatient (outpatient only), "
    "or a network tier name. Blank: the whole classification.",
    C.SIDE: "Required. ms (medical/surgical) or mhsud (mental health / substance use disorder).",
    C.NQTL_TYPE: "Required. One of: " + ", ".join(NQTL_TYPES) + ".",
    C.APPLIES: "Required. yes if the plan applies this NQTL to this side in this "
    "classification, no if it does not (a 'no' row documents that you checked).",
    C.SCOPE: "Which services it applies to. Write 'all' (or start with 'all') when it applies "
    "to every service of this side in the classification; otherwise list the services.",
    C.REVIEW_INTERVAL_DAYS: "For review NQTLs: days between reviews (3, '3 days', 'weekly').",
    C.FACTORS: "The factors the plan says it used to decide to apply the NQTL (e.g. 'high cost; "
    "high variation in utilization'), separated by semicolons.",
    C.EVIDENTIARY_STANDARDS: "The evidentiary standards and sources behind each factor (e.g. "
    "'cost above $1,000 per episode in 2023 claims data'), separated by semicolons.",
    C.NQTL_SOURCE: "Where you found it: document name and page (e.g. 'SPD 2024 p. 41').",
}

#: What each comparative-analysis column holds (for templates and the docs).
ANALYSIS_COLUMN_HELP: dict[str, str] = {
    C.PLAN_ID: "Required. The plan whose comparative analysis this is.",
    C.CLASSIFICATION: "Required. The classification the analysis covers.",
    C.SUB_CLASSIFICATION: "Optional. Permitted sub-classification, if the analysis uses one.",
    C.NQTL_TYPE: "Required. The NQTL analysed (same codes as the NQTL inventory).",
    C.DESCRIPTION: "Element 1: the NQTL's plan terms and the MH/SUD and M/S benefits it "
    "applies to.",
    C.FACTORS: "Element 2: the factors used to design and apply the NQTL.",
    C.FACTOR_DEFINITIONS: "How the analysis defines each factor (thresholds, measures).",
    C.EVIDENTIARY_STANDARDS: "Element 3: the evidentiary standards and other sources relied on.",
    C.AS_WRITTEN_ANALYSIS: "Element 4: the comparison, as written, of the processes, "
    "strategies, evidentiary standards and factors for MH/SUD and M/S benefits.",
    C.IN_OPERATION_ANALYSIS: "Element 5: the comparison in operation (how the NQTL is applied "
    "in practice).",
    C.RELEVANT_DATA: "The outcome data the analysis uses (denial rates, network measures...).",
    C.NO_DATA_REASON: "If no relevant data is used: the reason the analysis gives.",
    C.FINDINGS_AND_CONCLUSIONS: "Element 6: the plan's specific findings and conclusions.",
}

"""Synthetic NQTL inventories and comparative-analysis answers for the three sample plans.

- ``SAMPLE-A`` is clean: every NQTL it applies to MH/SUD benefits has an M/S counterpart in the
  same classification with the same review interval, scope breadth, factors and evidentiary
  standards.
- ``SAMPLE-B`` shows clear warning signs: prior authorization on every MH/SUD outpatient office
  visit but on no M/S office visit; concurrent review every 3 days for MH/SUD inpatient and
  residential stays against every 7 days for M/S inpatient and skilled nursing stays; and
  therapists' reimbursement set by "market factors" that are not used for M/S providers.
- ``SAMPLE-C`` excludes wilderness programs and therapeutic boarding schools with no M/S
  analogue, and gives no evidentiary standards for its MH/SUD medical necessity criteria.

:func:`sample_comparative_analysis` gives one sufficient analysis (SAMPLE-A inpatient prior
authorization) and one insufficient one (SAMPLE-B office-visit prior authorization).
The plans, documents and page numbers are invented; nothing here describes a real plan.
"""

from __future__ import annotations

import pandas as pd

from paritykit import columns as C
from paritykit.synth.benefits import SAMPLE_PLAN_IDS

__all__ = ["sample_comparative_analysis", "sample_nqtls"]

_PA_FACTORS = "high cost per episode; high variation in length of stay or utilization"
_PA_STANDARDS = (
    "average allowed amount per episode above $5,000 in the plan's 2023 claims; coefficient "
    "of variation of length of stay or visits per episode above 0.5"
)
_MN_FACTORS = "generally accepted standards of care"
_MN_STANDARDS = "nationally recognized, nonprofit-developed level-of-care criteria"
_NET_FACTORS = "state licensure; malpractice insurance; no exclusion from federal programs"
_NET_STANDARDS = "license verification with the state board; proof of $1M/$3M coverage"
_RATE_FACTORS = "Medicare fee schedule benchmark; provider type"
_RATE_STANDARDS = "CMS physician fee schedule for the plan year; credential level on file"

# (classification, sub_classification, side, nqtl_type, applies, scope, interval, factors,
#  evidentiary standards, source page)
_Row = tuple[str, str | None, str, str, bool, str | None, float | None, str | None, str | None, int]


def _base() -> list[_Row]:
    inp, out = "inpatient_in_network", "outpatient_in_network"
    return [
        (inp, None, "mhsud", "prior_authorization", True, "all non-emergency inpatient "
         "admissions", None, _PA_FACTORS, _PA_STANDARDS, 41),
        (inp, None, "ms", "prior_authorization", True, "all non-emergency inpatient admissions",
         None, _PA_FACTORS, _PA_STANDARDS, 41),
        (inp, None, "mhsud", "concurrent_review", True, "inpatient psychiatric and residential "
         "treatment stays", 7, _PA_FACTORS, _PA_STANDARDS, 42),
        (inp, None, "ms", "concurrent_review", True, "inpatient medical, rehabilitation and "
         "skilled nursing facility stays", 7, _PA_FACTORS, _PA_STANDARDS, 42),
        (inp, None, "mhsud", "medical_necessity_criteria", True, "all inpatient benefits", None,
         _MN_FACTORS, _MN_STANDARDS, 44),
        (inp, None, "ms", "medical_necessity_criteria", True, "all inpatient benefits", None,
         _MN_FACTORS, _MN_STANDARDS, 44),
        (out, "office_visits", "mhsud", "prior_authorization", False, "no prior authorization "
         "for office visits", None, None, None, 47),
        (out, "office_visits", "ms", "prior_authorization", False, "no prior authorization for "
         "office visits", None, None, None, 47),
        (out, "all_other_outpatient", "mhsud", "prior_authorization", True, "intensive "
         "outpatient and partial hospitalization programs; psychological testing", None,
         _PA_FACTORS, _PA_STANDARDS, 48),
        (out, "all_other_outpatient", "ms", "prior_authorization", True, "advanced imaging; "
         "outpatient surgery; home health", None, _PA_FACTORS, _PA_STANDARDS, 48),
        (out, None, "mhsud", "network_admission", True, "all professional providers", None,
         _NET_FACTORS, _NET_STANDARDS, 60),
        (out, None, "ms", "network_admission", True, "all professional providers", None,
         _NET_FACTORS, _NET_STANDARDS, 60),
        (out, None, "mhsud", "reimbursement_method", True, "all professional providers", None,
         _RATE_FACTORS, _RATE_STANDARDS, 62),
        (out, None, "ms", "reimbursement_method", True, "all professional providers", None,
         _RATE_FACTORS, _RATE_STANDARDS, 62),
    ]  # fmt: skip


def _replace(rows: list[_Row], new: list[_Row]) -> list[_Row]:
    """Replace the rows with the same classification, sub-classification, side and type."""
    keys = {r[:4] for r in new}
    return [r for r in rows if r[:4] not in keys] + new


def _plan_b() -> list[_Row]:
    inp, out = "inpatient_in_network", "outpatient_in_network"
    return _replace(
        _base(),
        [
            (out, "office_visits", "mhsud", "prior_authorization", True, "all outpatient "
             "psychotherapy and medication management visits", None,
             "cost; utilization trends", "internal utilization reports", 47),
            (inp, None, "mhsud", "concurrent_review", True, "inpatient psychiatric and "
             "residential SUD treatment stays", 3, _PA_FACTORS, _PA_STANDARDS, 42),
            (out, None, "mhsud", "reimbursement_method", True, "all professional providers",
             None, "market factors; supply and demand for therapists",
             "regional recruitment data", 62),
        ],
    )  # fmt: skip


def _plan_c() -> list[_Row]:
    inp = "inpatient_in_network"
    return _replace(
        _base(),
        [
            (inp, None, "mhsud", "service_exclusion", True, "wilderness programs and "
             "therapeutic boarding schools", None, "not evidence-based", None, 39),
            (inp, None, "mhsud", "medical_necessity_criteria", True, "all inpatient benefits",
             None, _MN_FACTORS, "proprietary", 44),
        ],
    )  # fmt: skip


def sample_nqtls() -> pd.DataFrame:
    """Return the NQTL inventories of the three fictional sample plans.

    Returns
    -------
    pandas.DataFrame
        A table in the NQTL inventory contract (``paritykit.columns.NQTL_COLUMNS``).

    Examples
    --------
    >>> from paritykit.synth.nqtls import sample_nqtls
    >>> table = sample_nqtls()
    >>> sorted(table["plan_id"].unique())
    ['SAMPLE-A', 'SAMPLE-B', 'SAMPLE-C']
    """
    records = []
    for plan_id, rows in zip(SAMPLE_PLAN_IDS, (_base(), _plan_b(), _plan_c()), strict=True):
        for cls, sub, side, kind, applies, scope, days, factors, standards, page in rows:
            records.append(
                {
                    C.PLAN_ID: plan_id,
                    C.CLASSIFICATION: cls,
                    C.SUB_CLASSIFICATION: sub,
                    C.SIDE: side,
                    C.NQTL_TYPE: kind,
                    C.APPLIES: applies,
                    C.SCOPE: scope,
                    C.REVIEW_INTERVAL_DAYS: days,
                    C.FACTORS: factors,
                    C.EVIDENTIARY_STANDARDS: standards,
                    C.NQTL_SOURCE: f"{plan_id} summary plan description 2024, p. {page}",
                }
            )
    return pd.DataFrame.from_records(records, columns=list(C.NQTL_COLUMNS))


def sample_comparative_analysis() -> pd.DataFrame:
    """Return structured comparative-analysis answers: one sufficient, one insufficient.

    Returns
    -------
    pandas.DataFrame
        A table in the comparative-analysis contract (``paritykit.columns.ANALYSIS_COLUMNS``):
        SAMPLE-A's analysis of inpatient prior authorization (all six elements, defined
        factors and outcome data) and SAMPLE-B's analysis of office-visit prior authorization
        (no evidentiary standards, a bare conclusion, no data).

    Examples
    --------
    >>> from paritykit.synth.nqtls import sample_comparative_analysis
    >>> sample_comparative_analysis()[["plan_id", "nqtl_type"]]
        plan_id            nqtl_type
    0  SAMPLE-A  prior_authorization
    1  SAMPLE-B  prior_authorization
    """
    sufficient = {
        C.PLAN_ID: "SAMPLE-A",
        C.CLASSIFICATION: "inpatient_in_network",
        C.SUB_CLASSIFICATION: None,
        C.NQTL_TYPE: "prior_authorization",
        C.DESCRIPTION: "Prior authorization is required before every non-emergency inpatient "
        "admission, for MH/SUD benefits (inpatient psychiatric stays, residential SUD "
        "treatment) and M/S benefits (inpatient surgery, medical stays, skilled nursing), "
        "plan document section 4.2.",
        C.FACTORS: _PA_FACTORS,
        C.FACTOR_DEFINITIONS: "High cost: average allowed amount per episode above $5,000. "
        "High variation: coefficient of variation of length of stay above 0.5.",
        C.EVIDENTIARY_STANDARDS: _PA_STANDARDS,
        C.AS_WRITTEN_ANALYSIS: "The same two factors and thresholds were applied to every "
        "inpatient MH/SUD and M/S service category using 2023 claims. All MH/SUD and all M/S "
        "inpatient categories met both thresholds, so prior authorization applies to all "
        "non-emergency admissions on both sides, with the same 2-business-day decision "
        "standard and the same physician reviewers.",
        C.IN_OPERATION_ANALYSIS: "In 2024 the plan received 412 MH/SUD and 3,180 M/S inpatient "
        "prior-authorization requests. Denial rates were 6.8% for MH/SUD and 6.1% for M/S, and "
        "median decision times were 1.4 and 1.3 days; the differences were reviewed with the "
        "utilization management committee and were not material.",
        C.RELEVANT_DATA: "prior-authorization requests, denials and decision times by side, 2024",
        C.NO_DATA_REASON: None,
        C.FINDINGS_AND_CONCLUSIONS: "The plan finds that the factors, thresholds and processes "
        "are the same for MH/SUD and M/S inpatient admissions and that denial rates (6.8% vs "
        "6.1%) and decision times do not differ materially.",
    }
    insufficient = {
        C.PLAN_ID: "SAMPLE-B",
        C.CLASSIFICATION: "outpatient_in_network",
        C.SUB_CLASSIFICATION: "office_visits",
        C.NQTL_TYPE: "prior_authorization",
        C.DESCRIPTION: "Prior authorization applies to outpatient psychotherapy and medication "
        "management visits.",
        C.FACTORS: "cost; utilization trends",
        C.FACTOR_DEFINITIONS: None,
        C.EVIDENTIARY_STANDARDS: None,
        C.AS_WRITTEN_ANALYSIS: "The NQTL is comparable and applied no more stringently.",
        C.IN_OPERATION_ANALYSIS: "Prior authorization is applied consistently by trained staff.",
        C.RELEVANT_DATA: None,
        C.NO_DATA_REASON: None,
        C.FINDINGS_AND_CONCLUSIONS: "Compliant.",
    }
    return pd.DataFrame([sufficient, insufficient], columns=list(C.ANALYSIS_COLUMNS))

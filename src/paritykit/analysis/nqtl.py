"""NQTL review: as-written comparison, warning signs, outcome links and analysis sufficiency.

A non-quantitative treatment limitation (NQTL: prior authorization, concurrent review, network
admission standards, exclusions, ...) may be applied to MH/SUD benefits only if the processes,
strategies, evidentiary standards and other factors behind it are comparable to, and applied no
more stringently than, those for medical/surgical (M/S) benefits in the same classification,
as written and in operation (29 CFR 2590.712(c)(4)(i)). Since the Consolidated Appropriations
Act, 2021 (section 203), a plan must document a comparative analysis of each NQTL and produce it
to the Secretary or the applicable State authority on request (29 U.S.C. 1185a(a)(8)(A);
42 U.S.C. 300gg-26(a)(8)(A)). Citations come from :mod:`paritykit.citations`.

:func:`nqtl_review` puts a plan's NQTL inventory side by side, by classification, and reports

- **as written**: an NQTL on MH/SUD benefits with no M/S counterpart in the classification; a
  shorter MH/SUD review interval; a broader MH/SUD scope; factors or evidentiary standards that
  are missing, placeholders, or used on one side only; the DOL warning-sign patterns;
- **in operation** (when an outcome summary is given): each NQTL linked to its outcome measure
  (prior authorization -> authorization denial rate; medical necessity criteria and concurrent
  or retrospective review -> medical-necessity denial rate; network admission, reimbursement and
  out-of-network rate methods -> out-of-network share, plus the allowed amount per claim as a
  descriptive ratio) with the disparity test of :func:`paritykit.compare_rates`;
- **sufficiency** (when the plan's comparative analysis is given as structured answers): which
  of the six elements are missing or thin (:func:`check_comparative_analysis`).

Findings are warning signs and questions, never conclusions: each states the disparity, the rule
it engages (and which rule version: the 2013 rule and the 2021 statute are enforced; provisions
new in the 2024 rule are not enforced federally since 15 May 2025, though states may enforce
them), the question for the plan, and the documents to request.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from paritykit import columns as C
from paritykit import vocab
from paritykit.citations import cite
from paritykit.errors import ConfigurationError
from paritykit.load.nqtl import read_comparative_analysis, read_nqtls, read_outcome_summary
from paritykit.stats.multiple import CORRECTIONS, Correction
from paritykit.validate.nqtl import NQTL_TYPE_LABELS, NQTL_TYPES

__all__ = [
    "ANALYSIS_ELEMENT_COLUMNS",
    "CITATIONS",
    "COMPARISON_COLUMNS",
    "DOL_WARNING_SIGNS",
    "ELEMENT_LABELS",
    "FINDING_COLUMNS",
    "FINDING_KINDS",
    "MEASURES",
    "OUTCOME_TEST_COLUMNS",
    "RULE_2013",
    "RULE_2021",
    "RULE_2024",
    "RULE_VERSION",
    "SEVERITIES",
    "ComparativeAnalysisCheck",
    "NqtlReview",
    "check_comparative_analysis",
    "nqtl_review",
]

Severity = Literal["warning_sign", "review", "insufficient"]
#: Severities, most serious first.
SEVERITIES: Final[tuple[str, ...]] = ("warning_sign", "insufficient", "review")
RULE_2013: Final = "2013 rule"
RULE_2021: Final = "2021 statute (CAA 2021 s.203)"
RULE_2024: Final = "2024 rule (federal non-enforcement since May 2025; states may enforce)"
RULE_VERSION: Final = (
    "MHPAEA NQTL rule, 29 CFR 2590.712(c)(4) (2013 final rule, 78 FR 68240); comparative "
    "analyses, 29 U.S.C. 1185a(a)(8) (CAA 2021 s.203); 2024 amendments (89 FR 77586), not enforced "
    "federally since 15 May 2025"
)
#: The citations the NQTL findings print, from the checked table (:mod:`paritykit.citations`).
CITATIONS: Final[dict[str, str]] = {
    "nqtl": cite("nqtl"),
    "nqtl_list": cite("nqtl_list"),
    "analysis": cite("erisa_analysis"),
    "analysis_2024": cite("analysis_2024"),
    "relevant_data_2024": cite("relevant_data_2024"),
    "criteria": cite("disclosure"),
    "dol": f"the Departments' '{cite('warning_signs')}' document ({cite('erisa_warning_signs')})",
}

#: Finding kinds, in the order the evidence pack lists them within a severity.
FINDING_KINDS: Final[tuple[str, ...]] = (
    "no_ms_counterpart",
    "stricter_review_interval",
    "broader_scope",
    "factors_differ",
    "evidentiary_standards_differ",
    "dol_warning_sign",
    "outcome_disparity",
    "factors_missing",
    "evidentiary_standards_missing",
    "analysis_not_provided",
    "element_missing",
    "element_thin",
    "factors_not_defined",
    "no_operation_data",
    "review_interval_missing",
)
_KEY: Final[tuple[str, ...]] = (C.PLAN_ID, C.CLASSIFICATION, C.SUB_CLASSIFICATION, C.NQTL_TYPE)
_LINKED: Final[tuple[str, ...]] = (
    C.MEASURE,
    C.MHSUD_RATE,
    C.MS_RATE,
    C.RATE_RATIO,
    C.P_ADJUSTED,
    C.FLAGGED,
)
FINDING_COLUMNS: Final[tuple[str, ...]] = (
    *_KEY,
    C.FINDING_KIND,
    C.SEVERITY,
    C.FINDING,
    C.CITATION,
    C.RULE_BASIS,
    C.DISCLOSURE_REQUEST,
    *_LINKED,
)
COMPARISON_COLUMNS: Final[tuple[str, ...]] = (
    *_KEY,
    C.MHSUD_APPLIES,
    C.MS_APPLIES,
    C.MHSUD_SCOPE,
    C.MS_SCOPE,
    C.MHSUD_REVIEW_INTERVAL_DAYS,
    C.MS_REVIEW_INTERVAL_DAYS,
    C.MHSUD_FACTORS,
    C.MS_FACTORS,
    C.MHSUD_EVIDENTIARY_STANDARDS,
    C.MS_EVIDENTIARY_STANDARDS,
    C.MHSUD_SOURCE,
    C.MS_SOURCE,
    C.WORST_SEVERITY,
)
OUTCOME_TEST_COLUMNS: Final[tuple[str, ...]] = (
    C.PLAN_ID,
    C.CLASSIFICATION,
    C.NQTL_TYPE,
    C.MEASURE,
    C.MHSUD_EVENTS,
    C.MHSUD_TRIALS,
    C.MHSUD_RATE,
    C.MS_EVENTS,
    C.MS_TRIALS,
    C.MS_RATE,
    C.RATE_RATIO,
    C.RATE_RATIO_LOW,
    C.RATE_RATIO_HIGH,
    C.P_VALUE,
    C.P_ADJUSTED,
    C.TEST,
    C.FLAGGED,
    C.NOTE,
)
ANALYSIS_ELEMENT_COLUMNS: Final[tuple[str, ...]] = (
    *_KEY,
    C.ELEMENT_NUMBER,
    C.ELEMENT,
    C.ELEMENT_STATUS,
    C.WORDS,
    C.DETAIL,
    C.CITATION,
    C.RULE_BASIS,
)

#: In-operation measure of each NQTL type: (measure, events column, trials column). The first
#: measure is tested with :func:`paritykit.compare_rates`; ``allowed_per_unit`` is descriptive.
MEASURES: Final[dict[str, tuple[tuple[str, str, str], ...]]] = {
    "prior_authorization": (
        (C.PRIOR_AUTH_DENIAL_RATE, C.PRIOR_AUTH_DENIED, C.PRIOR_AUTH_REQUESTS),
    ),
    "concurrent_review": ((C.MEDICAL_NECESSITY_DENIAL_RATE, C.DENIED_MEDICAL_NECESSITY, C.CLAIMS),),
    "retrospective_review": (
        (C.MEDICAL_NECESSITY_DENIAL_RATE, C.DENIED_MEDICAL_NECESSITY, C.CLAIMS),
    ),
    "medical_necessity_criteria": (
        (C.MEDICAL_NECESSITY_DENIAL_RATE, C.DENIED_MEDICAL_NECESSITY, C.CLAIMS),
    ),
    "network_admission": (
        (C.OUT_OF_NETWORK_RATE, C.OUT_OF_NETWORK_CLAIMS, C.CLAIMS),
        (C.ALLOWED_PER_UNIT, C.ALLOWED_AMOUNT, C.CLAIMS),
    ),
    "reimbursement_method": (
        (C.OUT_OF_NETWORK_RATE, C.OUT_OF_NETWORK_CLAIMS, C.CLAIMS),
        (C.ALLOWED_PER_UNIT, C.ALLOWED_AMOUNT, C.CLAIMS),
    ),
    "out_of_network_rate_method": (
        (C.OUT_OF_NETWORK_RATE, C.OUT_OF_NETWORK_CLAIMS, C.CLAIMS),
        (C.ALLOWED_PER_UNIT, C.ALLOWED_AMOUNT, C.CLAIMS),
    ),
}
_DESCRIPTIVE: Final = frozenset({C.ALLOWED_PER_UNIT})
_EVENTS: Final = "_events"
_TRIALS: Final = "_trials"
_MEASURE_LABELS: Final[dict[str, str]] = {
    C.PRIOR_AUTH_DENIAL_RATE: "prior-authorization denial rate",
    C.MEDICAL_NECESSITY_DENIAL_RATE: "medical-necessity denial rate",
    C.OUT_OF_NETWORK_RATE: "out-of-network share of claims",
    C.ALLOWED_PER_UNIT: "allowed amount per claim",
}

#: DOL warning-sign patterns: (key, category, regular expression, NQTL types it is looked for
#: in (None: all), question for the plan). Matched in the MH/SUD scope, factors and evidentiary
#: standards; reported when no M/S row in the same classification matches the same pattern.
DOL_WARNING_SIGNS: Final[tuple[tuple[str, str, str, tuple[str, ...] | None, str], ...]] = (
    (
        "probability_of_improvement",
        "coverage conditioned on the probability of improvement",
        r"probability of improvement|likel\w* to improve|(?:measurable|demonstrat\w*|show\w*) "
        r"(?:progress|improvement)|progress toward",
        None,
        "what standard of expected improvement applies to M/S care in the same classification?",
    ),
    (
        "patient_non_compliance",
        "exclusions for failure to comply with or complete treatment",
        r"non-?complian|fail\w* to (?:comply|complete|follow)|against medical advice",
        None,
        "does the plan exclude or end M/S benefits when a patient does not complete treatment?",
    ),
    (
        "court_ordered_treatment",
        "exclusion of court-ordered or involuntary treatment",
        r"court[- ]ordered|involuntary",
        None,
        "does the plan exclude any M/S care because a court or other authority ordered it?",
    ),
    (
        "residential_or_wilderness",
        "exclusion or restriction of residential, wilderness or similar settings",
        r"wilderness|outdoor behavio\w*|therapeutic boarding|residential",
        ("service_exclusion", "facility_type_restriction"),
        "which M/S intermediate settings (skilled nursing, inpatient rehabilitation, hospice) "
        "does the plan cover, and by what factors does it treat them differently?",
    ),
    (
        "fail_first",
        "fail-first or step requirements",
        r"fail[- ]first|step therapy|must first (?:try|fail|complete)|lower level of care first",
        None,
        "which M/S benefits in the classification require a lower-cost treatment to fail first?",
    ),
    (
        "written_treatment_plan",
        "written treatment plan requirements",
        r"treatment plan",
        None,
        "which M/S benefits in the classification require a written treatment plan?",
    ),
    (
        "licensure_or_accreditation",
        "licensing, accreditation or credentials beyond what state law requires",
        r"accredit\w*|joint commission|\bcarf\b|doctoral|board[- ]certif\w*|additional licens\w*",
        None,
        "what licensing or accreditation does the plan require of comparable M/S providers and "
        "facilities, beyond state licensure?",
    ),
    (
        "geographic",
        "geographic limits on where care may be received",
        r"in[- ]state|within \d+ miles|service area|geograph\w*",
        None,
        "which geographic limits apply to M/S benefits in the classification?",
    ),
    (
        "reimbursement_market_factors",
        "reimbursement set by market factors or a percentage of Medicare",
        r"market (?:factors|rates|conditions|dynamics)|supply and demand|prevailing|"
        r"(?:percent(?:age)? of|% of) medicare",
        None,
        "how are M/S rates in the classification set, and how do MH/SUD and M/S rates for "
        "comparable services compare with the Medicare fee schedule?",
    ),
    (
        "on_site_staffing",
        "24-hour on-site physician or nursing requirements for facilities",
        r"24[- ]hour|on[- ]site (?:physician|psychiatrist|nurse|medical)",
        None,
        "do comparable M/S facilities (e.g. skilled nursing) have to meet the same staffing "
        "requirement?",
    ),
)

#: The six elements of a comparative analysis: (number, label, statute clause, rule 2024).
ELEMENT_LABELS: Final[dict[str, tuple[int, str, str]]] = {
    C.DESCRIPTION: (1, "description of the NQTL and the benefits it applies to", "(i)"),
    C.FACTORS: (2, "the factors used to apply the NQTL", "(ii)"),
    C.EVIDENTIARY_STANDARDS: (3, "the evidentiary standards and sources for the factors", "(iii)"),
    C.AS_WRITTEN_ANALYSIS: (4, "the comparative analysis as written", "(iv)"),
    C.IN_OPERATION_ANALYSIS: (5, "the comparative analysis in operation", "(iv)"),
    C.FINDINGS_AND_CONCLUSIONS: (6, "the plan's findings and conclusions", "(v)"),
}
#: Fewer words than this makes an element "thin".
MIN_WORDS: Final[dict[str, int]] = {
    C.DESCRIPTION: 8,
    C.FACTORS: 2,
    C.EVIDENTIARY_STANDARDS: 4,
    C.AS_WRITTEN_ANALYSIS: 30,
    C.IN_OPERATION_ANALYSIS: 30,
    C.FINDINGS_AND_CONCLUSIONS: 10,
}
#: Entries that are not an answer ("n/a", "see attached", "compliant", ...).
PLACEHOLDERS: Final = frozenset(
    {
        "n_a",
        "na",
        "none",
        "tbd",
        "unknown",
        "various",
        "other",
        "see_attached",
        "see_policy",
        "see_plan_document",
        "see_plan_documents",
        "proprietary",
        "confidential",
        "yes",
        "no",
        "compliant",
        "comparable",
        "same",
        "same_as_m_s",
        "same_as_medical",
        "not_applicable",
        "internal_guidelines",
        "industry_standards",
        "clinical_judgment",
    }
)
_MHSUD_WORDS = re.compile(
    r"mh/?sud|mental health|behavioral|behavioural|substance use|psychiatr", re.IGNORECASE
)
_MS_WORDS = re.compile(
    r"\bm/s\b|medical/surgical|medical-surgical|med/surg|medical (?:and|or) surgical",
    re.IGNORECASE,
)
_CONCLUSORY = re.compile(
    r"complian|comparable|no more stringent|in parity|parity[- ]compliant", re.IGNORECASE
)
_SPLIT = re.compile(r";|\n|\||,(?!\d)")


# --- text helpers ----------------------------------------------------------------------------


def _where(classification: object, sub: object = None) -> str:
    place = (
        str(classification)
        .replace("out_of_network", "out-of-network")
        .replace("in_network", "in-network")
        .replace("_", " ")
    )
    if isinstance(sub, str) and sub:
        place += f" ({sub.replace('_', ' ')})"
    return place


def _label(nqtl_type: str) -> str:
    return NQTL_TYPE_LABELS.get(nqtl_type, nqtl_type.replace("_", " "))


def _quote(text: object, limit: int = 80) -> str:
    value = " ".join(str(text).split())
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _is_placeholder(text: str | None) -> bool:
    return text is None or vocab.normalize_token(text) in PLACEHOLDERS


def _items(text: str | None) -> dict[str, str]:
    """The factors (or standards) listed in ``text``: token -> text as written."""
    if text is None:
        return {}
    items = {}
    for part in _SPLIT.split(text):
        token = vocab.normalize_token(part)
        if token and token not in PLACEHOLDERS:
            items.setdefault(token, part.strip())
    return items


def _is_all(scope: str | None) -> bool | None:
    """True when the scope covers every service ("all ...", "every ..."); None when blank."""
    if scope is None:
        return None
    token = vocab.normalize_token(scope)
    return token == "all" or token.startswith(("all_", "every"))


RULE_SENTENCE: Final = (
    "Under the 2013 rule ({cite}), an NQTL may be applied to MH/SUD benefits only if the "
    "processes, strategies, evidentiary standards and other factors used to apply it are "
    "comparable to, and applied no more stringently than, those used for M/S benefits in the "
    "same classification, as written and in operation."
)


def _rule() -> str:
    return RULE_SENTENCE.format(cite=CITATIONS["nqtl"])


_DOCUMENTS: Final[dict[str, str]] = {
    "prior_authorization": "the lists of MH/SUD and M/S services that require prior "
    "authorization in this classification, the factors and evidentiary standards used to "
    "choose them, the review criteria, and prior-authorization request, denial and "
    "decision-time counts for MH/SUD and M/S services",
    "concurrent_review": "the concurrent review schedules (review frequency by level of care) "
    "for MH/SUD and M/S benefits, the criteria and reviewer qualifications, and counts of "
    "concurrent reviews and the denials or reductions they led to",
    "retrospective_review": "the retrospective review policies for MH/SUD and M/S benefits, the "
    "criteria used, and the counts of retrospective reviews and denials on each side",
    "medical_necessity_criteria": "the medical necessity criteria for MH/SUD and M/S benefits "
    "(which must be disclosed on request under 29 CFR 2590.712(d)(1)), the source of each set of "
    "criteria, and medical-necessity denial counts for MH/SUD and M/S claims",
    "step_therapy": "the step-therapy (fail-first) protocols and drug or service lists for "
    "MH/SUD and M/S benefits, the exception criteria, and step-therapy denial counts",
    "network_admission": "the credentialing and network admission standards for MH/SUD and M/S "
    "providers, and network adequacy data (time and distance, wait times, providers accepting "
    "new patients, share of in-network providers submitting claims, out-of-network use)",
    "reimbursement_method": "the fee schedules and the method and factors used to set "
    "in-network reimbursement for MH/SUD and M/S providers, with the data behind each factor, "
    "and reimbursement for comparable services as a percentage of the Medicare fee schedule",
    "out_of_network_rate_method": "the method used to set out-of-network allowed amounts for "
    "MH/SUD and M/S services (e.g. percentage of Medicare or a charge database), with the data "
    "source and the resulting allowed amounts for comparable services",
    "service_exclusion": "the plan terms of the exclusion, any comparable M/S exclusions, and "
    "the factors and evidence used to decide to exclude the service",
    "facility_type_restriction": "the facility types covered and excluded, and the licensing "
    "and accreditation requirements imposed on MH/SUD and M/S facilities",
    "provider_licensure_restriction": "the licensure and credential requirements imposed on "
    "MH/SUD and M/S providers, and how each requirement relates to state licensure",
    "geographic_restriction": "the geographic limits that apply to MH/SUD and M/S benefits "
    "and the factors used to set them",
    "written_treatment_plan": "the treatment plan requirements for MH/SUD and M/S benefits, "
    "when each is required, and the denials for a missing treatment plan on each side",
    "other": "the plan terms and internal policies that define the limitation for MH/SUD and "
    "M/S benefits, and the factors and evidence used to design and apply it",
}


def _disclosure(nqtl_type: str, classification: object, sub: object) -> str:
    return (
        f"Please provide the plan's comparative analysis of the {_label(nqtl_type)} for "
        f"{_where(classification, sub)} benefits ({cite('erisa_analysis')}), "
        f"together with {_DOCUMENTS.get(nqtl_type, _DOCUMENTS['other'])}."
    )


# --- result objects --------------------------------------------------------------------------


def _severity_counts(findings: pd.DataFrame) -> str:
    counts = findings[C.SEVERITY].value_counts()
    parts = [f"{int(counts.get(s, 0))} {s.replace('_', ' ')}" for s in SEVERITIES]
    return ", ".join(parts)


@dataclass(frozen=True, eq=False)
class ComparativeAnalysisCheck:
    """Result of :func:`check_comparative_analysis`.

    Attributes
    ----------
    elements : pandas.DataFrame
        One row per analysed NQTL x element (six elements; see
        :data:`ANALYSIS_ELEMENT_COLUMNS`): ``element_status`` is ``"present"``, ``"thin"`` or
        ``"missing"``, ``detail`` says why, ``citation`` and ``rule_basis`` name the requirement.
    findings : pandas.DataFrame
        One row per missing or thin element (and per missing factor definition or relevant
        data), in the columns of :data:`FINDING_COLUMNS` (outcome columns empty).
    source : str or None
        The answers the check ran on.
    rule_version : str
    """

    elements: pd.DataFrame
    findings: pd.DataFrame
    source: str | None = None
    rule_version: str = RULE_VERSION

    def to_frame(self) -> pd.DataFrame:
        """Return the element table (a copy)."""
        return self.elements.copy()

    @property
    def n_insufficient(self) -> int:
        """Number of analysed NQTLs with at least one missing or thin element."""
        bad = self.elements[self.elements[C.ELEMENT_STATUS] != "present"]
        return len(bad.drop_duplicates(list(_KEY)))

    def summary(self) -> str:
        """Return a plain-text summary: counts, then every finding."""
        n = len(self.elements.drop_duplicates(list(_KEY)))
        lines = [
            "Comparative-analysis sufficiency check",
            f"source: {self.source or 'n/a'}",
            f"{n} NQTL analyses; {self.n_insufficient} missing or thin in at least one element.",
        ]
        lines += [f"[{r.severity}] {r.plan_id}: {r.finding}" for r in self.findings.itertuples()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>Comparative-analysis sufficiency check</b>: {self.n_insufficient} analyses "
            "missing or thin in at least one element.</p>"
        )
        return head + self.elements.to_html(index=False, na_rep="")


@dataclass(frozen=True, eq=False)
class NqtlReview:
    """Result of :func:`nqtl_review`.

    Attributes
    ----------
    comparisons : pandas.DataFrame
        One row per plan x classification x sub-classification x NQTL type with the MH/SUD and
        M/S entries side by side (see :data:`COMPARISON_COLUMNS`) and the most serious severity
        found (``worst_severity``, empty when nothing was found). ``to_frame()`` returns it.
    findings : pandas.DataFrame
        Tidy findings (see :data:`FINDING_COLUMNS`), most serious first: ``severity`` is
        ``"warning_sign"``, ``"insufficient"`` or ``"review"``; ``finding`` states the
        disparity, the rule and the question; ``rule_basis`` the rule version; and
        ``disclosure_request`` the documents to request. When outcomes were given, the linked
        measure and its test result fill ``measure`` ... ``flagged``.
    outcome_tests : pandas.DataFrame
        One row per linked NQTL x measure (see :data:`OUTCOME_TEST_COLUMNS`); empty without
        outcomes.
    analysis_elements : pandas.DataFrame
        The element table of :func:`check_comparative_analysis`; empty without an analysis.
    notes : tuple of str
        What could not be linked or tested, and why.
    source : str or None
    alpha, correction
        Settings of the outcome tests.
    rule_version : str
    """

    comparisons: pd.DataFrame
    findings: pd.DataFrame
    outcome_tests: pd.DataFrame
    analysis_elements: pd.DataFrame
    notes: tuple[str, ...] = ()
    source: str | None = None
    alpha: float = 0.05
    correction: str = "fdr_bh"
    rule_version: str = RULE_VERSION

    def to_frame(self) -> pd.DataFrame:
        """Return the side-by-side comparison, one row per NQTL (a copy)."""
        return self.comparisons.copy()

    @property
    def n_warning_signs(self) -> int:
        """Number of findings with severity ``"warning_sign"``."""
        return int((self.findings[C.SEVERITY] == "warning_sign").sum())

    def disclosure_requests(self) -> pd.DataFrame:
        """Return one disclosure request per NQTL with findings, most serious first.

        Returns
        -------
        pandas.DataFrame
            Columns ``plan_id``, ``classification``, ``sub_classification``, ``nqtl_type``,
            ``severity`` (the most serious), ``finding_kind`` (the kinds found, joined with
            "; "), ``rule_basis`` (joined) and ``disclosure_request`` (the most specific one:
            it asks for outcome data too when an outcome disparity was found). Meant for one
            paragraph per NQTL in a complaint or request letter.
        """
        columns = [*_KEY, C.SEVERITY, C.FINDING_KIND, C.RULE_BASIS, C.DISCLOSURE_REQUEST]
        if self.findings.empty:
            return pd.DataFrame(columns=columns)
        rows = []
        keyed = self.findings.assign(_sub=self.findings[C.SUB_CLASSIFICATION].fillna(""))
        group_keys = [C.PLAN_ID, C.CLASSIFICATION, "_sub", C.NQTL_TYPE]
        for _, part in keyed.groupby(group_keys, sort=False):
            first = part.iloc[0]  # findings are ordered most serious first
            longest = max(part[C.DISCLOSURE_REQUEST], key=len)
            rows.append(
                {
                    **{k: first[k] for k in _KEY},
                    C.SEVERITY: first[C.SEVERITY],
                    C.FINDING_KIND: "; ".join(dict.fromkeys(part[C.FINDING_KIND])),
                    C.RULE_BASIS: "; ".join(dict.fromkeys(part[C.RULE_BASIS])),
                    C.DISCLOSURE_REQUEST: longest,
                }
            )
        return pd.DataFrame(rows, columns=columns)

    def summary(self) -> str:
        """Return a plain-text summary: counts, every finding, then the notes."""
        comp = self.comparisons
        flagged = int(comp[C.WORST_SEVERITY].notna().sum())
        lines = [
            "NQTL review (as written and in operation)",
            f"source: {self.source or 'n/a'}",
            f"{len(comp)} NQTL comparisons over {comp[C.PLAN_ID].nunique()} plan(s); "
            f"{flagged} with findings ({_severity_counts(self.findings)}).",
        ]
        for rec in self.findings.itertuples(index=False):
            lines.append(f"[{rec.severity}] {rec.plan_id}: {rec.finding}")
        lines += [f"note: {n}" for n in self.notes]
        lines.append("Findings are warning signs and questions for the plan, not conclusions.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>NQTL review</b>: {len(self.comparisons)} comparisons; "
            f"{html.escape(_severity_counts(self.findings))}. <small>"
            f"{html.escape(self.rule_version)}</small></p>"
        )
        body = self.findings[[C.PLAN_ID, C.CLASSIFICATION, C.NQTL_TYPE, C.SEVERITY, C.FINDING]]
        return head + body.to_html(index=False, na_rep="")


# --- as-written comparison ---------------------------------------------------------------------


def _side_summary(rows: pd.DataFrame) -> dict[str, Any]:
    """Combine one side's rows of one comparison group."""
    if rows.empty:
        return {"listed": False, "applies": None}
    applying = rows[rows[C.APPLIES]]
    use = applying if len(applying) else rows

    def joined(name: str) -> str | None:
        values = [v for v in dict.fromkeys(use[name]) if isinstance(v, str) and v]
        return "; ".join(values) if values else None

    scopes = [s for s in use[C.SCOPE] if isinstance(s, str)]
    breadth = [_is_all(s) for s in scopes]
    intervals = applying[C.REVIEW_INTERVAL_DAYS].dropna()
    return {
        "listed": True,
        "applies": bool(len(applying)),
        C.SCOPE: joined(C.SCOPE),
        "all": (any(bool(b) for b in breadth)) if breadth else None,
        C.REVIEW_INTERVAL_DAYS: float(intervals.min()) if len(intervals) else np.nan,
        C.FACTORS: joined(C.FACTORS),
        C.EVIDENTIARY_STANDARDS: joined(C.EVIDENTIARY_STANDARDS),
        C.NQTL_SOURCE: joined(C.NQTL_SOURCE),
        "text": " ".join(
            str(v)
            for name in (C.SCOPE, C.FACTORS, C.EVIDENTIARY_STANDARDS)
            for v in applying[name]
            if isinstance(v, str)
        ),
    }


def _groups(table: pd.DataFrame) -> list[tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]]:
    """Comparison groups: plan x classification x sub-classification x NQTL type.

    A blank sub-classification means the whole classification: such a row joins every
    sub-classification group of its classification.
    """
    out = []
    order = {c: i for i, c in enumerate(vocab.CLASSIFICATIONS)}
    type_order = {t: i for i, t in enumerate(NQTL_TYPES)}
    keys = table[[C.PLAN_ID, C.CLASSIFICATION, C.NQTL_TYPE]].drop_duplicates()
    keys = keys.assign(
        _c=keys[C.CLASSIFICATION].map(order), _t=keys[C.NQTL_TYPE].map(type_order)
    ).sort_values([C.PLAN_ID, "_c", "_t"], kind="stable")
    for plan, cls, kind in keys[[C.PLAN_ID, C.CLASSIFICATION, C.NQTL_TYPE]].itertuples(index=False):
        cell = table[
            (table[C.PLAN_ID] == plan)
            & (table[C.CLASSIFICATION] == cls)
            & (table[C.NQTL_TYPE] == kind)
        ]
        subs = sorted({s for s in cell[C.SUB_CLASSIFICATION] if isinstance(s, str) and s})
        for sub in subs or [None]:
            part = (
                cell
                if sub is None
                else cell[cell[C.SUB_CLASSIFICATION].isna() | (cell[C.SUB_CLASSIFICATION] == sub)]
            )
            key = {C.PLAN_ID: plan, C.CLASSIFICATION: cls, C.SUB_CLASSIFICATION: sub}
            key[C.NQTL_TYPE] = kind
            out.append((key, part[part[C.SIDE] == vocab.MHSUD], part[part[C.SIDE] == vocab.MS]))
    return out


def _finding(
    key: dict[str, Any],
    kind: str,
    severity: Severity,
    text: str,
    citation: str,
    rule_basis: str,
    disclosure: str | None = None,
) -> dict[str, Any]:
    return {
        **key,
        C.FINDING_KIND: kind,
        C.SEVERITY: severity,
        C.FINDING: text,
        C.CITATION: citation,
        C.RULE_BASIS: rule_basis,
        C.DISCLOSURE_REQUEST: disclosure
        or _disclosure(key[C.NQTL_TYPE], key[C.CLASSIFICATION], key[C.SUB_CLASSIFICATION]),
    }


def _as_written(key: dict[str, Any], mh: dict[str, Any], ms: dict[str, Any]) -> list[dict]:
    """The as-written findings of one comparison group (MH/SUD applies)."""
    found: list[dict[str, Any]] = []
    kind = key[C.NQTL_TYPE]
    label = _label(kind)
    where = _where(key[C.CLASSIFICATION], key[C.SUB_CLASSIFICATION])
    scope = f" (scope: {_quote(mh[C.SCOPE])})" if mh[C.SCOPE] else ""
    if not ms.get("applies"):
        why = (
            "the inventory records that the plan does not apply it to M/S benefits there"
            if ms["listed"]
            else "the inventory lists no M/S counterpart there"
        )
        found.append(
            _finding(
                key,
                "no_ms_counterpart",
                "warning_sign",
                f"The plan's {label} applies to MH/SUD benefits in {where}{scope}, and {why}. "
                f"{_rule()} Question for the plan: to which M/S benefits in {where} does it "
                f"apply a comparable limitation, and which factors led it to apply its {label} to "
                "these MH/SUD benefits?",
                CITATIONS["nqtl"],
                RULE_2013,
            )
        )
    else:
        mh_days, ms_days = mh[C.REVIEW_INTERVAL_DAYS], ms[C.REVIEW_INTERVAL_DAYS]
        if np.isfinite(mh_days) and np.isfinite(ms_days) and mh_days < ms_days:
            found.append(
                _finding(
                    key,
                    "stricter_review_interval",
                    "warning_sign",
                    f"Under the plan's {label} in {where}, MH/SUD care is reviewed every "
                    f"{mh_days:g} days and M/S care every {ms_days:g} days, so MH/SUD care is "
                    f"reviewed "
                    f"{ms_days / mh_days:.3g} times as often. {_rule()} Question for the plan: "
                    "which factors and evidentiary standards set the shorter MH/SUD interval, "
                    "and were the same factors and standards applied when setting the M/S "
                    "interval?",
                    CITATIONS["nqtl"],
                    RULE_2013,
                )
            )
        elif np.isfinite(mh_days) != np.isfinite(ms_days):
            given, missing = ("MH/SUD", "M/S") if np.isfinite(mh_days) else ("M/S", "MH/SUD")
            found.append(
                _finding(
                    key,
                    "review_interval_missing",
                    "review",
                    f"A review interval for {label} in {where} is recorded for {given} care "
                    f"but not for {missing} care, so the review frequencies cannot be compared. "
                    f"{_rule()} Question for the plan: how often does it review {missing} care "
                    f"under {label} in {where}?",
                    CITATIONS["nqtl"],
                    RULE_2013,
                )
            )
        if mh["all"] is True and ms["all"] is False:
            found.append(
                _finding(
                    key,
                    "broader_scope",
                    "warning_sign",
                    f"The plan's {label} in {where} covers every MH/SUD service (scope: "
                    f"{_quote(mh[C.SCOPE])}) but only selected M/S services (scope: "
                    f"{_quote(ms[C.SCOPE])}). {_rule()} Question for the plan: which factors "
                    f"led it to apply its {label} to all MH/SUD services but not to the M/S "
                    "services it leaves out, and how were those factors measured on each side?",
                    CITATIONS["nqtl"],
                    RULE_2013,
                )
            )
        for name, what, kind_name in (
            (C.FACTORS, "factors", "factors_differ"),
            (C.EVIDENTIARY_STANDARDS, "evidentiary standards", "evidentiary_standards_differ"),
        ):
            mh_items, ms_items = _items(mh[name]), _items(ms[name])
            if not mh_items or not ms_items or set(mh_items) == set(ms_items):
                continue
            mh_only = [mh_items[t] for t in mh_items if t not in ms_items]
            ms_only = [ms_items[t] for t in ms_items if t not in mh_items]
            parts = []
            if mh_only:
                parts.append("used only for MH/SUD: " + ", ".join(mh_only))
            if ms_only:
                parts.append("used only for M/S: " + ", ".join(ms_only))
            found.append(
                _finding(
                    key,
                    kind_name,
                    "warning_sign" if mh_only else "review",
                    f"The {what} the plan gives for its {label} in {where} differ between MH/SUD "
                    f"and M/S benefits ({'; '.join(parts)}). {_rule()} Question for the plan: "
                    f"why do the {what} differ, and how would each {what[:-1]} have applied to "
                    "the benefits on the other side?",
                    CITATIONS["nqtl"],
                    RULE_2013,
                )
            )
    # Factors and standards must exist on every side the NQTL applies to.
    for side_name, info in (("MH/SUD", mh), ("M/S", ms)):
        if not info.get("applies"):
            continue
        for name, what, kind_name, clause in (
            (C.FACTORS, "factors", "factors_missing", "(ii)"),
            (
                C.EVIDENTIARY_STANDARDS,
                "evidentiary standards",
                "evidentiary_standards_missing",
                "(iii)",
            ),
        ):
            value = info[name]
            if value is not None and _items(value):
                continue
            shown = f" (recorded as '{_quote(value, 40)}')" if value else ""
            found.append(
                _finding(
                    key,
                    kind_name,
                    "insufficient",
                    f"No {what} are stated for the plan's {label} on {side_name} benefits in "
                    f"{where}{shown}. Since 2021 the plan's comparative analysis must identify the "
                    f"{what} used for the NQTL ({CITATIONS['analysis']}{clause}), and without "
                    "them comparability cannot be assessed. Question for the plan: which "
                    f"{what} did it use for its {label} in {where}, how is each defined, and "
                    "what evidence supports it?",
                    f"{CITATIONS['analysis']}{clause}",
                    RULE_2021,
                )
            )
    # DOL warning-sign patterns in the MH/SUD entries that no M/S entry shares.
    for _sign, category, pattern, types, question in DOL_WARNING_SIGNS:
        if types is not None and kind not in types:
            continue
        match = re.search(pattern, mh["text"], re.IGNORECASE)
        if not match or re.search(pattern, ms.get("text", "") or "", re.IGNORECASE):
            continue
        found.append(
            _finding(
                key,
                "dol_warning_sign",
                "warning_sign",
                f"The plan's MH/SUD {label} in {where} mentions '{match.group(0)}', a pattern the "
                f"Departments' Warning Signs document lists ({category}) as calling for "
                f"the plan's comparative analysis; no M/S entry there mentions it. {_rule()} "
                f"Question for the plan: {question}",
                f"{CITATIONS['dol']}; {CITATIONS['nqtl']}",
                RULE_2013,
            )
        )
    return found


# --- outcome linkage ---------------------------------------------------------------------------


def _link_outcomes(
    comparisons: pd.DataFrame,
    outcomes: pd.DataFrame,
    *,
    alpha: float,
    correction: Correction,
) -> tuple[pd.DataFrame, list[str]]:
    """Test each applied NQTL's outcome measure; return the test table and notes."""
    from paritykit.stats import compare_rates

    notes: list[str] = []
    empty = pd.DataFrame(columns=list(OUTCOME_TEST_COLUMNS))
    needed = [C.PLAN_ID, C.CLASSIFICATION, C.SIDE]
    missing = [c for c in needed if c not in outcomes.columns]
    if missing:
        notes.append(
            f"outcomes lack column(s) {missing}; no NQTL was linked to outcome data (expected "
            "the summary of paritykit.summarize_outcomes by plan_id and classification)"
        )
        return empty, notes
    sides = outcomes[C.SIDE].map(
        lambda v: vocab.SIDE_ALIASES.get(vocab.normalize_token(v)) if pd.notna(v) else None
    )
    dropped = int(sides.isna().sum())
    if dropped:
        notes.append(f"{dropped} outcome row(s) without a side (unclassified) were left out")
    data = outcomes.assign(**{C.SIDE: sides})[sides.notna()]
    applied = comparisons[comparisons[C.MHSUD_APPLIES].fillna(False).astype(bool)]
    targets = applied[[C.PLAN_ID, C.CLASSIFICATION, C.NQTL_TYPE]].drop_duplicates()
    unmeasured = sorted(set(targets[C.NQTL_TYPE]) - set(MEASURES))
    if unmeasured:
        notes.append(
            "no outcome measure is linked to " + ", ".join(unmeasured) + " (review the plan's "
            "in-operation analysis for these)"
        )
    targets = targets[targets[C.NQTL_TYPE].isin(MEASURES)]
    tested_parts: list[pd.DataFrame] = []
    long_parts: list[pd.DataFrame] = []
    measure_sets = sorted({m for t in targets[C.NQTL_TYPE] for m in MEASURES[t]})
    users_of: dict[str, list[str]] = {}
    for measure_set in measure_sets:
        measure, events, trials = measure_set
        users = sorted({t for t in targets[C.NQTL_TYPE] if measure_set in MEASURES[t]})
        users_of[measure] = users
        lacking = [c for c in (events, trials) if c not in data.columns]
        if lacking:
            notes.append(
                f"outcomes lack column(s) {lacking}: {_MEASURE_LABELS[measure]} not linked to "
                + ", ".join(users)
            )
            continue
        cells = targets[targets[C.NQTL_TYPE].isin(users)][[C.PLAN_ID, C.CLASSIFICATION]]
        cells = cells.drop_duplicates()
        sub = _cell_rows(data, cells, pool_network=measure == C.OUT_OF_NETWORK_RATE)
        present = sub[[C.PLAN_ID, C.CLASSIFICATION]].drop_duplicates()
        absent = cells.merge(present, how="left", indicator=True)
        for plan, cls, _ in absent[absent["_merge"] == "left_only"].itertuples(index=False):
            notes.append(
                f"no outcome rows for plan {plan} in {_where(cls)}: "
                f"{_MEASURE_LABELS[measure]} not linked"
            )
        if sub.empty:
            continue
        if measure in _DESCRIPTIVE:
            tested_parts.append(_descriptive_ratio(sub, events, trials).assign(_measure=measure))
        else:
            long_parts.append(
                pd.DataFrame(
                    {
                        "_measure": measure,
                        C.PLAN_ID: sub[C.PLAN_ID],
                        C.CLASSIFICATION: sub[C.CLASSIFICATION],
                        C.SIDE: sub[C.SIDE],
                        _EVENTS: sub[events],
                        _TRIALS: sub[trials],
                    }
                )
            )
    if long_parts:
        # One multiple-comparison family across every linked measure and cell.
        tested = compare_rates(
            pd.concat(long_parts, ignore_index=True),
            events=_EVENTS,
            trials=_TRIALS,
            by=["_measure", C.PLAN_ID, C.CLASSIFICATION],
            alpha=alpha,
            correction=correction,
        )
        names = {m: s for m, *s in measure_sets}
        tested[C.NOTE] = [
            note.replace(_EVENTS, names[m][0]).replace(_TRIALS, names[m][1])
            for m, note in zip(tested["_measure"], tested[C.NOTE], strict=True)
        ]
        tested_parts.append(tested)
    rows: list[dict[str, Any]] = []
    for tested in tested_parts:
        for measure, part in tested.groupby("_measure", sort=False):
            for user in users_of[str(measure)]:
                linked = targets[targets[C.NQTL_TYPE] == user][[C.PLAN_ID, C.CLASSIFICATION]]
                merged = linked.merge(part, on=[C.PLAN_ID, C.CLASSIFICATION], how="inner")
                merged = merged.assign(**{C.NQTL_TYPE: user, C.MEASURE: measure})
                rows.extend(merged.to_dict("records"))
    if not rows:
        return empty, notes
    table = pd.DataFrame(rows).reindex(columns=list(OUTCOME_TEST_COLUMNS))
    table[C.FLAGGED] = table[C.FLAGGED].fillna(False).astype(bool)
    table[C.NOTE] = table[C.NOTE].replace("", None)
    for name in (C.MHSUD_EVENTS, C.MHSUD_TRIALS, C.MS_EVENTS, C.MS_TRIALS):
        table[name] = pd.to_numeric(table[name]).round().astype("Int64")
    order = {c: i for i, c in enumerate(vocab.CLASSIFICATIONS)}
    type_order = {t: i for i, t in enumerate(NQTL_TYPES)}
    measure_order = {m: i for i, m in enumerate(_MEASURE_LABELS)}
    table = table.sort_values(
        [C.PLAN_ID, C.CLASSIFICATION, C.NQTL_TYPE, C.MEASURE],
        key=lambda s: (
            s.map(order)
            if s.name == C.CLASSIFICATION
            else s.map(type_order)
            if s.name == C.NQTL_TYPE
            else s.map(measure_order)
            if s.name == C.MEASURE
            else s
        ),
        kind="stable",
    )
    return table.reset_index(drop=True), notes


#: In- and out-of-network classifications of the same setting (pooled for the OON share).
NETWORK_PARTNER: Final[dict[str, str]] = {
    "inpatient_in_network": "inpatient_out_of_network",
    "inpatient_out_of_network": "inpatient_in_network",
    "outpatient_in_network": "outpatient_out_of_network",
    "outpatient_out_of_network": "outpatient_in_network",
}


def _cell_rows(data: pd.DataFrame, cells: pd.DataFrame, *, pool_network: bool) -> pd.DataFrame:
    """Outcome rows of each (plan, classification) cell, labelled with the cell's classification.

    With ``pool_network`` the rows of the classification's in/out-of-network partner are added:
    a summary by classification puts every out-of-network claim in the out-of-network
    classification, so the out-of-network share of a setting needs both.
    """
    parts = []
    for plan, cls in cells.itertuples(index=False):
        wanted = {cls, NETWORK_PARTNER.get(cls, cls)} if pool_network else {cls}
        rows = data[(data[C.PLAN_ID] == plan) & data[C.CLASSIFICATION].isin(wanted)]
        parts.append(rows.assign(**{C.CLASSIFICATION: cls}))
    return pd.concat(parts, ignore_index=True) if parts else data.iloc[0:0]


def _descriptive_ratio(sub: pd.DataFrame, amount: str, trials: str) -> pd.DataFrame:
    """Mean allowed amount per claim per side and their ratio (not a test)."""
    sums = sub.groupby([C.PLAN_ID, C.CLASSIFICATION, C.SIDE])[[amount, trials]].sum()
    out = []
    for (plan, cls), part in sums.groupby(level=[0, 1]):
        per = {}
        counts = {}
        for side in vocab.SIDES:
            if (plan, cls, side) in part.index:
                amt, n = part.loc[(plan, cls, side), [amount, trials]]
                counts[side] = float(n)
                per[side] = float(amt) / float(n) if n else np.nan
            else:
                counts[side], per[side] = 0.0, np.nan
        ratio = per["mhsud"] / per["ms"] if per["ms"] and np.isfinite(per["ms"]) else np.nan
        out.append(
            {
                C.PLAN_ID: plan,
                C.CLASSIFICATION: cls,
                C.MHSUD_TRIALS: counts["mhsud"],
                C.MHSUD_RATE: per["mhsud"],
                C.MS_TRIALS: counts["ms"],
                C.MS_RATE: per["ms"],
                C.RATE_RATIO: ratio,
                C.P_VALUE: np.nan,
                C.P_ADJUSTED: np.nan,
                C.TEST: "descriptive (not tested)",
                C.FLAGGED: False,
                C.NOTE: "mean allowed amount per claim; the services differ between sides, so "
                "compare matched codes against a benchmark fee schedule before drawing "
                "conclusions",
            }
        )
    return pd.DataFrame(out)


def _outcome_findings(comparisons: pd.DataFrame, tests: pd.DataFrame) -> list[dict[str, Any]]:
    found = []
    flagged = tests[tests[C.FLAGGED]]
    for rec in flagged.to_dict("records"):
        kind = rec[C.NQTL_TYPE]
        key = {
            C.PLAN_ID: rec[C.PLAN_ID],
            C.CLASSIFICATION: rec[C.CLASSIFICATION],
            C.SUB_CLASSIFICATION: None,
            C.NQTL_TYPE: kind,
        }
        where = _where(rec[C.CLASSIFICATION])
        measure = _MEASURE_LABELS[rec[C.MEASURE]]
        measured_in = where
        if rec[C.MEASURE] == C.OUT_OF_NETWORK_RATE and rec[C.CLASSIFICATION] in NETWORK_PARTNER:
            setting = str(rec[C.CLASSIFICATION]).split("_", 1)[0]
            measured_in = f"{setting} care (in- and out-of-network claims pooled)"
        found.append(
            _finding(
                key,
                "outcome_disparity",
                "warning_sign",
                f"In operation, the MH/SUD {measure} in {measured_in} is {rec[C.MHSUD_RATE]:.1%} "
                f"against {rec[C.MS_RATE]:.1%} for M/S ({int(rec[C.MHSUD_EVENTS])} of "
                f"{int(rec[C.MHSUD_TRIALS])} vs {int(rec[C.MS_EVENTS])} of "
                f"{int(rec[C.MS_TRIALS])}; rate ratio {rec[C.RATE_RATIO]:.2f}, adjusted "
                f"p = {rec[C.P_ADJUSTED]:.2g}), and the plan's {_label(kind)} applies to "
                f"MH/SUD benefits in {where}. A difference in outcomes is a warning sign that "
                "calls for the plan's in-operation analysis, not proof of a disparity in the "
                f"NQTL. {_rule()} "
                "(The 2024 rule also requires plans to collect and evaluate such data; that "
                "part is not enforced federally since May 2025.) Question for the plan: what "
                f"explains the difference, and how does its in-operation analysis of "
                f"{_label(kind)} account for it?",
                f"{CITATIONS['nqtl']} (in operation); {CITATIONS['relevant_data_2024']}",
                RULE_2013,
                _disclosure(kind, rec[C.CLASSIFICATION], None)[:-1]
                + f", and its own data on the {measure} for MH/SUD and M/S claims in this "
                "classification.",
            )
        )
    return found


def _attach_links(findings: pd.DataFrame, tests: pd.DataFrame) -> pd.DataFrame:
    """Fill the linked outcome columns of each finding from its primary (tested) measure."""
    if tests.empty or findings.empty:
        return findings
    primary = tests[~tests[C.MEASURE].isin(_DESCRIPTIVE)]
    primary = primary.drop_duplicates([C.PLAN_ID, C.CLASSIFICATION, C.NQTL_TYPE])
    link = primary[[C.PLAN_ID, C.CLASSIFICATION, C.NQTL_TYPE, *_LINKED]]
    base = findings.drop(columns=list(_LINKED))
    merged = base.merge(link, on=[C.PLAN_ID, C.CLASSIFICATION, C.NQTL_TYPE], how="left")
    return merged.reindex(columns=list(FINDING_COLUMNS))


# --- comparative-analysis sufficiency ----------------------------------------------------------


def _words(text: str | None) -> int:
    return len(text.split()) if text else 0


def _element_status(name: str, text: str | None) -> tuple[str, str]:
    """Return ``(status, detail)`` for one element's text."""
    if text is None:
        return "missing", "not given"
    if _is_placeholder(text):
        return "thin", f"only '{_quote(text, 40)}', which is not an answer"
    words = _words(text)
    if name in (C.AS_WRITTEN_ANALYSIS, C.IN_OPERATION_ANALYSIS) and not (
        _MHSUD_WORDS.search(text) and _MS_WORDS.search(text)
    ):
        return "thin", "it does not compare MH/SUD benefits with M/S benefits"
    if words < MIN_WORDS[name]:
        return "thin", f"{words} words, fewer than the {MIN_WORDS[name]} a reviewer would expect"
    if (
        name in (C.AS_WRITTEN_ANALYSIS, C.IN_OPERATION_ANALYSIS, C.FINDINGS_AND_CONCLUSIONS)
        and words < 40
        and _CONCLUSORY.search(text)
        and not re.search(r"\d", text)
    ):
        return "thin", "a bare conclusion with no reasoning or figures behind it"
    return "present", ""


def _element_citation(name: str) -> str:
    clause = ELEMENT_LABELS[name][2]
    return f"{CITATIONS['analysis']}{clause}; {CITATIONS['analysis_2024']}"


def _check_analysis(analysis: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    elements: list[dict[str, Any]] = []
    found: list[dict[str, Any]] = []
    for rec in analysis.to_dict("records"):
        key = {k: rec[k] for k in _KEY}
        label = _label(rec[C.NQTL_TYPE])
        where = _where(rec[C.CLASSIFICATION], rec[C.SUB_CLASSIFICATION])
        disclosure = _disclosure(rec[C.NQTL_TYPE], rec[C.CLASSIFICATION], rec[C.SUB_CLASSIFICATION])
        for name, (number, element_label, _clause) in ELEMENT_LABELS.items():
            text = rec[name]
            status, detail = _element_status(name, text)
            elements.append(
                {
                    **key,
                    C.ELEMENT_NUMBER: number,
                    C.ELEMENT: name,
                    C.ELEMENT_STATUS: status,
                    C.WORDS: _words(text),
                    C.DETAIL: detail or None,
                    C.CITATION: _element_citation(name),
                    C.RULE_BASIS: RULE_2021,
                }
            )
            if status == "present":
                continue
            what = (
                f"does not give element {number} ({element_label})"
                if status == "missing"
                else f"gives element {number} ({element_label}) only thinly: {detail}"
            )
            found.append(
                _finding(
                    key,
                    f"element_{status}",
                    "insufficient",
                    f"The plan's comparative analysis of {label} in {where} {what}. Since 2021 "
                    f"a comparative analysis must include {element_label} "
                    f"({_element_citation(name)}; the 2024 rule spells out the content). "
                    f"Question for the plan: will it provide {element_label} for {label} in "
                    f"{where}?",
                    _element_citation(name),
                    RULE_2021,
                    disclosure,
                )
            )
        named = rec[C.FACTORS] is not None and not _is_placeholder(rec[C.FACTORS])
        if named and _is_placeholder(rec[C.FACTOR_DEFINITIONS]):
            found.append(
                _finding(
                    key,
                    "factors_not_defined",
                    "insufficient",
                    f"The plan's comparative analysis of {label} in {where} names factors "
                    f"({_quote(rec[C.FACTORS], 60)}) but does not define them (what is "
                    "measured, with which threshold and data). The statute asks that every "
                    f"factor be defined ({CITATIONS['analysis']}(iii)), and the 2024 rule "
                    "repeats it. Question for the plan: how is each factor defined and "
                    "measured for MH/SUD and M/S benefits?",
                    f"{CITATIONS['analysis']}(iii); {CITATIONS['analysis_2024']}",
                    RULE_2021,
                    disclosure,
                )
            )
        if (
            rec[C.IN_OPERATION_ANALYSIS] is not None
            and rec[C.RELEVANT_DATA] is None
            and rec[C.NO_DATA_REASON] is None
        ):
            found.append(
                _finding(
                    key,
                    "no_operation_data",
                    "insufficient",
                    f"The plan's in-operation analysis of {label} in {where} cites no relevant "
                    "outcome data and gives no reason for its absence. The 2024 rule requires "
                    "plans to collect and evaluate relevant data (such as denial rates and "
                    f"network measures) for each NQTL ({CITATIONS['relevant_data_2024']}); the "
                    "Departments do not enforce that provision since May 2025, but states may. "
                    "Question for the plan: which outcome data did it examine for MH/SUD and "
                    "M/S benefits, and what did the data show?",
                    f"{CITATIONS['relevant_data_2024']}; {CITATIONS['analysis_2024']}",
                    RULE_2024,
                    disclosure[:-1] + ", and the outcome data its in-operation analysis relied on.",
                )
            )
    frame = pd.DataFrame(elements, columns=list(ANALYSIS_ELEMENT_COLUMNS))
    frame[C.WORDS] = frame[C.WORDS].astype("int64")
    frame[C.ELEMENT_NUMBER] = frame[C.ELEMENT_NUMBER].astype("int64")
    return frame, found


def check_comparative_analysis(
    analysis: pd.DataFrame | str | os.PathLike[str] | dict[str, Any] | list[dict[str, Any]],
) -> ComparativeAnalysisCheck:
    """Check a plan's comparative analysis, entered as structured answers, for sufficiency.

    For each analysed NQTL, each of the six elements (1 description of the NQTL and the
    benefits it applies to, 2 factors, 3 evidentiary standards and sources, 4 the analysis as
    written, 5 the analysis in operation, 6 findings and conclusions; 29 U.S.C. 1185a(a)(8)(A) and,
    in detail, 29 CFR 2590.712-1 of the 2024 rule) is graded ``present``, ``thin`` (a
    placeholder such as "n/a" or "compliant", too few words, an as-written or in-operation
    analysis that never mentions both MH/SUD and M/S benefits, or a bare conclusion with no
    reasoning or figures) or ``missing``. Factors named but not defined, and an in-operation
    analysis without relevant data or a reason for its absence (2024 rule), are reported too.

    Parameters
    ----------
    analysis : DataFrame, path, dict or list of dicts
        What :func:`paritykit.read_comparative_analysis` returns or accepts (YAML, a sheet).

    Returns
    -------
    ComparativeAnalysisCheck
        ``to_frame()`` gives one row per NQTL x element; ``findings`` the insufficient
        elements with citations, rule basis and the disclosure request.

    Examples
    --------
    >>> import paritykit as pk
    >>> check = pk.check_comparative_analysis(pk.sample_comparative_analysis())
    >>> check.n_insufficient
    1
    >>> sorted(set(check.findings["finding_kind"]))[:2]
    ['element_missing', 'element_thin']
    """
    table = read_comparative_analysis(analysis)
    elements, found = _check_analysis(table)
    return ComparativeAnalysisCheck(
        elements=elements,
        findings=_tidy_findings(found),
        source=table.attrs.get("source"),
    )


# --- assembly ----------------------------------------------------------------------------------


def _tidy_findings(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows).reindex(columns=list(FINDING_COLUMNS))
    frame[C.FLAGGED] = frame[C.FLAGGED].astype("boolean")
    for name in (C.MHSUD_RATE, C.MS_RATE, C.RATE_RATIO, C.P_ADJUSTED):
        frame[name] = frame[name].astype("float64")
    frame[C.MEASURE] = frame[C.MEASURE].astype(object)
    if frame.empty:
        return frame
    sev = {s: i for i, s in enumerate(SEVERITIES)}
    kinds = {k: i for i, k in enumerate(FINDING_KINDS)}
    cls = {c: i for i, c in enumerate(vocab.CLASSIFICATIONS)}
    types = {t: i for i, t in enumerate(NQTL_TYPES)}
    frame = frame.assign(
        _s=frame[C.SEVERITY].map(sev),
        _k=frame[C.FINDING_KIND].map(kinds),
        _c=frame[C.CLASSIFICATION].map(cls),
        _t=frame[C.NQTL_TYPE].map(types),
        _u=frame[C.SUB_CLASSIFICATION].fillna(""),
    )
    frame = frame.sort_values(["_s", C.PLAN_ID, "_c", "_u", "_t", "_k"], kind="stable")
    return frame.drop(columns=["_s", "_k", "_c", "_t", "_u"]).reset_index(drop=True)


def _match_analysis(comparisons: pd.DataFrame, analysis: pd.DataFrame) -> list[dict[str, Any]]:
    """An MH/SUD NQTL with no comparative-analysis entry."""
    found = []
    applied = comparisons[comparisons[C.MHSUD_APPLIES].fillna(False).astype(bool)]
    # Only plans whose analysis was given: another plan's absence is not the plan's gap.
    applied = applied[applied[C.PLAN_ID].isin(set(analysis[C.PLAN_ID]))]
    for rec in applied.to_dict("records"):
        same = analysis[
            (analysis[C.PLAN_ID] == rec[C.PLAN_ID])
            & (analysis[C.CLASSIFICATION] == rec[C.CLASSIFICATION])
            & (analysis[C.NQTL_TYPE] == rec[C.NQTL_TYPE])
        ]
        sub = rec[C.SUB_CLASSIFICATION]
        if sub is not None:
            same = same[same[C.SUB_CLASSIFICATION].isna() | (same[C.SUB_CLASSIFICATION] == sub)]
        if len(same):
            continue
        key = {k: rec[k] for k in _KEY}
        label = _label(rec[C.NQTL_TYPE])
        where = _where(rec[C.CLASSIFICATION], sub)
        found.append(
            _finding(
                key,
                "analysis_not_provided",
                "insufficient",
                f"The plan's {label} applies to MH/SUD benefits in {where}, but the comparative "
                "analysis provided has no entry for it. Since 2021 a plan must prepare a "
                f"comparative analysis of each NQTL and produce it on request "
                f"({CITATIONS['analysis']}). Question for the plan: where is its comparative "
                f"analysis of {label} in {where}?",
                CITATIONS["analysis"],
                RULE_2021,
            )
        )
    return found


def _comparison_row(key: dict[str, Any], mh: dict[str, Any], ms: dict[str, Any]) -> dict:
    def side(info: dict[str, Any], prefix: str) -> dict[str, Any]:
        return {
            f"{prefix}_applies": info.get("applies"),
            f"{prefix}_scope": info.get(C.SCOPE),
            f"{prefix}_review_interval_days": info.get(C.REVIEW_INTERVAL_DAYS, np.nan),
            f"{prefix}_factors": info.get(C.FACTORS),
            f"{prefix}_evidentiary_standards": info.get(C.EVIDENTIARY_STANDARDS),
            f"{prefix}_source": info.get(C.NQTL_SOURCE),
        }

    return {**key, **side(mh, "mhsud"), **side(ms, "ms")}


def nqtl_review(
    nqtls: pd.DataFrame | str | os.PathLike[str],
    *,
    outcomes: pd.DataFrame | str | os.PathLike[str] | None = None,
    analysis: pd.DataFrame
    | str
    | os.PathLike[str]
    | dict[str, Any]
    | list[dict[str, Any]]
    | None = None,
    alpha: float = 0.05,
    correction: Correction = "fdr_bh",
) -> NqtlReview:
    """Review a plan's NQTLs as written, link them to outcomes, and check the analysis.

    Parameters
    ----------
    nqtls : pandas.DataFrame or path
        An NQTL inventory: what :func:`paritykit.read_nqtls` returns or accepts.
    outcomes : pandas.DataFrame or path, optional
        An outcome summary by ``plan_id`` and ``classification`` (what
        :func:`paritykit.summarize_outcomes` returns, or its ``.csv``/``.parquet``/``.json``
        file). Each applied NQTL is linked to its measure (:data:`MEASURES`) and tested with
        :func:`paritykit.compare_rates`, all tests in one multiple-comparison family. A column
        that is missing is recorded in ``notes``, not an error.
    analysis : DataFrame, path or dict, optional
        The plan's comparative analysis as structured answers
        (:func:`paritykit.read_comparative_analysis`); its sufficiency findings are added, and
        an MH/SUD NQTL without an analysis entry is reported.
    alpha : float, default 0.05
        Significance level of the outcome tests.
    correction : {"fdr_bh", "fdr_by", "holm", "hochberg", "bonferroni", "none"}
        Multiple-comparison adjustment across the outcome tests.

    Returns
    -------
    NqtlReview
        ``to_frame()`` gives the side-by-side comparison; ``findings`` the tidy findings
        (warning signs and questions, each with citation, rule basis and disclosure request).

    Notes
    -----
    Comparison groups are plan x classification x NQTL type, split by sub-classification when
    the inventory uses one (a row with a blank sub-classification covers the whole
    classification). A side's rows are combined: the NQTL applies if any row applies; the
    scope is "all" if any row's scope starts with "all" or "every"; the shortest review
    interval counts; factors and standards are the union of the listed items.

    Examples
    --------
    >>> import paritykit as pk
    >>> review = pk.nqtl_review(pk.sample_nqtls())
    >>> b = review.findings[review.findings["plan_id"] == "SAMPLE-B"]
    >>> "no_ms_counterpart" in set(b["finding_kind"])
    True
    >>> review.findings[review.findings["plan_id"] == "SAMPLE-A"].empty
    True
    """
    if not 0 < alpha < 1:
        raise ConfigurationError(f"alpha must be strictly between 0 and 1; got {alpha!r}.")
    if correction not in CORRECTIONS:
        raise ConfigurationError(f"correction must be one of {CORRECTIONS}; got {correction!r}.")
    table = read_nqtls(nqtls)
    comparisons: list[dict[str, Any]] = []
    found: list[dict[str, Any]] = []
    for key, mh_rows, ms_rows in _groups(table):
        mh, ms = _side_summary(mh_rows), _side_summary(ms_rows)
        comparisons.append(_comparison_row(key, mh, ms))
        if mh.get("applies"):
            found.extend(_as_written(key, mh, ms))
    comp = pd.DataFrame(comparisons).reindex(columns=list(COMPARISON_COLUMNS))
    for name in (C.MHSUD_APPLIES, C.MS_APPLIES):
        comp[name] = comp[name].astype("boolean")
    for name in (C.MHSUD_REVIEW_INTERVAL_DAYS, C.MS_REVIEW_INTERVAL_DAYS):
        comp[name] = comp[name].astype("float64")
    notes: list[str] = []
    tests = pd.DataFrame(columns=list(OUTCOME_TEST_COLUMNS))
    if outcomes is not None:
        summary = read_outcome_summary(outcomes)
        tests, link_notes = _link_outcomes(comp, summary, alpha=alpha, correction=correction)
        notes += link_notes
        found += _outcome_findings(comp, tests)
    elements = pd.DataFrame(columns=list(ANALYSIS_ELEMENT_COLUMNS))
    if analysis is not None:
        answers = read_comparative_analysis(analysis)
        elements, analysis_found = _check_analysis(answers)
        found += analysis_found
        found += _match_analysis(comp, answers)
    findings = _attach_links(_tidy_findings(found), tests)
    findings[C.FLAGGED] = findings[C.FLAGGED].astype("boolean")
    comp[C.WORST_SEVERITY] = _worst(comp, findings)
    return NqtlReview(
        comparisons=comp,
        findings=findings,
        outcome_tests=tests,
        analysis_elements=elements,
        notes=tuple(dict.fromkeys(notes)),
        source=table.attrs.get("source"),
        alpha=alpha,
        correction=correction,
    )


def _worst(comp: pd.DataFrame, findings: pd.DataFrame) -> list[str | None]:
    """The most serious severity among the findings of each comparison row."""
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    worst: list[str | None] = []
    for rec in comp.to_dict("records"):
        same = findings[
            (findings[C.PLAN_ID] == rec[C.PLAN_ID])
            & (findings[C.CLASSIFICATION] == rec[C.CLASSIFICATION])
            & (findings[C.NQTL_TYPE] == rec[C.NQTL_TYPE])
        ]
        sub = rec[C.SUB_CLASSIFICATION]
        if isinstance(sub, str):
            same = same[same[C.SUB_CLASSIFICATION].isna() | (same[C.SUB_CLASSIFICATION] == sub)]
        severities = sorted(set(same[C.SEVERITY]), key=rank.__getitem__)
        worst.append(severities[0] if severities else None)
    return worst

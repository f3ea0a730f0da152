"""The checked citation table: every legal citation paritykit prints comes from here.

Each :class:`Citation` holds the exact string printed, what the provision says (in one
sentence), the plan types it binds (:data:`paritykit.vocab.PLAN_TYPES`), whether it rests on
the 2024 amendments (89 FR 77586), whose new provisions the Departments announced on 15 May 2025
they would not enforce (and HHS asked the states not to enforce either), and what was checked.

Letters are written for one plan type. :func:`for_plan` rewrites the citations inside a text
written by the analysis layer (which cites the ERISA regulation, 29 CFR 2590.712) into the
provision that binds the plan type (45 CFR 146.136, 42 CFR part 438 subpart K, 42 CFR
457.496), and :func:`check_text` lists every citation-looking string of a text that is not in
the table or does not bind the plan type; the letter tests run it over every letter.

``checked`` says how each entry was checked: ``"text"`` (the paragraph letters were read in the
regulation's or statute's text), ``"section"`` (cited at section level only, because the
paragraph letters were not confirmed), or ``"title"`` (a guidance document cited by its title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from paritykit.vocab import ERISA_PLAN_TYPES, PLAN_TYPES

__all__ = [
    "CITATIONS",
    "CITATION_PATTERN",
    "ENFORCEMENT_2024",
    "RULE_2024_ONLY_DATA",
    "Citation",
    "binds",
    "check_text",
    "citations_frame",
    "cite",
    "for_plan",
]

_ERISA: Final = frozenset(ERISA_PLAN_TYPES)
_PHSA_GROUP: Final = frozenset({"erisa_insured", "non_federal_governmental"})
_PHSA: Final = frozenset({"erisa_insured", "non_federal_governmental", "individual"})
_NON_ERISA_COMMERCIAL: Final = frozenset({"non_federal_governmental", "individual"})
_MEDICAID: Final = frozenset({"medicaid_managed_care"})
_CHIP: Final = frozenset({"chip"})
_ALL: Final = frozenset(PLAN_TYPES)

#: What the letters say about the 2024 rule's enforcement status (one sentence, used once).
ENFORCEMENT_2024: Final = (
    "On 15 May 2025 the Departments of Labor, Health and Human Services and the Treasury "
    "announced that they would not enforce the provisions new in the 2024 amendments (89 FR "
    "77586) while the litigation over them (ERIC v. HHS) continues and for 18 months after a "
    "final decision, and HHS asked the states not to enforce those provisions either; the 2013 "
    "rule (78 FR 68240) and the 2021 statute remain enforced."
)

#: Relevant data that only the 2024 rule names; a request asking for them is labelled.
RULE_2024_ONLY_DATA: Final[tuple[str, ...]] = (
    "time and distance",
    "share of in-network providers submitting claims",
    "percentage of the medicare fee schedule",
    "percentage of medicare",
)


@dataclass(frozen=True)
class Citation:
    """One checked citation.

    Attributes
    ----------
    key : str
        The table key.
    text : str
        The exact string printed.
    summary : str
        What the provision says, in one sentence.
    binds : frozenset of str
        The plan types the provision binds.
    rule_2024 : bool
        Whether the provision is new in the 2024 amendments (not federally enforced since
        15 May 2025; see :data:`ENFORCEMENT_2024`).
    checked : str
        ``"text"``, ``"section"`` or ``"title"`` (see the module docstring).
    source : str
        The primary text the entry was checked against.
    """

    key: str
    text: str
    summary: str
    binds: frozenset[str]
    rule_2024: bool
    checked: str
    source: str


_ECFR_712: Final = "eCFR, 29 CFR 2590.712 (2013 text, 78 FR 68240, and as amended 89 FR 77586)"
_ECFR_146: Final = "eCFR, 45 CFR 146.136 (same text as 29 CFR 2590.712)"
_ECFR_438: Final = "eCFR, 42 CFR part 438 subpart K (438.900 to 438.930)"
_ECFR_457: Final = "eCFR, 42 CFR 457.496"
_USC_1185A: Final = "U.S. Code, 29 U.S.C. 1185a (ERISA section 712), as amended by CAA 2021 s.203"
_USC_300GG26: Final = "U.S. Code, 42 U.S.C. 300gg-26 (PHS Act section 2726)"
_ECFR_503: Final = (
    "eCFR, 29 CFR 2560.503-1 (outside ERISA it binds non-federal governmental plans and "
    "individual issuers as incorporated by 45 CFR 147.136(b)(2) and (b)(3))"
)
#: Who the ERISA claims procedure binds: ERISA plans, and, incorporated by 45 CFR
#: 147.136(b)(2) and (b)(3), non-federal governmental plans and individual issuers.
_CLAIMS: Final = frozenset({*ERISA_PLAN_TYPES, "non_federal_governmental", "individual"})
_ECFR_147136: Final = "eCFR, 45 CFR 147.136"

_ROWS: Final[tuple[tuple[str, str, str, frozenset[str], bool, str, str], ...]] = (
    # --- statutes -------------------------------------------------------------------------
    ("erisa_712", "29 U.S.C. 1185a", "ERISA section 712: mental health parity for private "
     "employer group health plans and their insurers.", _ERISA, False, "text", _USC_1185A),
    ("erisa_analysis", "29 U.S.C. 1185a(a)(8)(A)", "A plan that imposes NQTLs must perform and "
     "document comparative analyses of their design and application and make them available "
     "to the Secretary on request (CAA 2021 s.203).", _ERISA, False, "text", _USC_1185A),
    ("erisa_warning_signs", "29 U.S.C. 1185a(a)(6)(A)", "Names the Departments' 'Warning "
     "Signs - Plan or Policy NQTLs that Require Additional Analysis' document, a compliance "
     "guidance document.", _ERISA, False, "text", _USC_1185A),
    ("phsa_2726", "42 U.S.C. 300gg-26", "PHS Act section 2726: mental health parity for group "
     "health plans (including non-federal governmental plans) and health insurance issuers in "
     "the group and individual markets.", _PHSA, False, "text", _USC_300GG26),
    ("phsa_analysis", "42 U.S.C. 300gg-26(a)(8)(A)", "The PHS Act's parallel duty to perform "
     "and document NQTL comparative analyses and make them available to the applicable State "
     "authority or the Secretary on request.", _PHSA, False, "text", _USC_300GG26),
    ("phsa_warning_signs", "42 U.S.C. 300gg-26(a)(6)(A)", "The PHS Act's parallel naming of the "
     "Warning Signs document.", _PHSA, False, "text", _USC_300GG26),
    ("phsa_enforcement_state", "42 U.S.C. 300gg-22(a)(2)", "Where a state does not "
     "substantially enforce a PHS Act provision against insurers, CMS (for HHS) enforces it.",
     _PHSA, False, "text", "U.S. Code, 42 U.S.C. 300gg-22 (PHS Act section 2723)"),
    ("phsa_enforcement_nonfed", "42 U.S.C. 300gg-22(b)", "HHS (CMS) enforces the PHS Act's "
     "group market requirements against non-federal governmental plans.",
     frozenset({"non_federal_governmental"}), False, "text",
     "U.S. Code, 42 U.S.C. 300gg-22 (PHS Act section 2723)"),
    ("erisa_104b4", "29 U.S.C. 1024(b)(4)", "ERISA section 104(b)(4): the plan administrator "
     "must furnish, on written request, the latest summary plan description and the "
     "instruments under which the plan is established or operated.", _ERISA, False, "text",
     "U.S. Code, 29 U.S.C. 1024"),
    ("erisa_104b4_section", "ERISA section 104(b)(4)", "ERISA section 104(b)(4) (29 U.S.C. "
     "1024(b)(4)).", _ERISA, False, "text", "U.S. Code, 29 U.S.C. 1024"),
    ("erisa_502c1_section", "ERISA section 502(c)(1)", "ERISA section 502(c)(1) (29 U.S.C. "
     "1132(c)(1)).", _ERISA, False, "text", "U.S. Code, 29 U.S.C. 1132"),
    ("erisa_502c1", "29 U.S.C. 1132(c)(1)", "ERISA section 502(c)(1): a court may hold an "
     "administrator who fails to supply requested information within 30 days personally liable "
     "for up to $110 a day (29 CFR 2575.502c-1).", _ERISA, False, "text",
     "U.S. Code, 29 U.S.C. 1132; eCFR 29 CFR 2575.502c-1"),
    ("sbc", "42 U.S.C. 300gg-15", "PHS Act section 2715: a plan or issuer must provide the "
     "summary of benefits and coverage (SBC); on request, within 7 business days (45 CFR "
     "147.200).", frozenset({*ERISA_PLAN_TYPES, "non_federal_governmental", "individual"}),
     False, "text", "U.S. Code, 42 U.S.C. 300gg-15; eCFR 45 CFR 147.200"),
    ("sbc_rule", "45 CFR 147.200", "The SBC regulation: the SBC must be provided on request "
     "no later than 7 business days after the request.",
     frozenset({*ERISA_PLAN_TYPES, "non_federal_governmental", "individual"}), False, "text",
     "eCFR, 45 CFR 147.200 (parallel 29 CFR 2590.715-2715)"),
    # --- the ERISA regulation (29 CFR 2590.712) --------------------------------------------
    ("reg_712", "29 CFR 2590.712", "The MHPAEA regulation for ERISA group health plans and their "
     "insurers.", _ERISA, False, "text", _ECFR_712),
    ("general_rule", "29 CFR 2590.712(c)(2)(i)", "General parity rule: no financial requirement "
     "or treatment limitation on MH/SUD benefits in a classification more restrictive than the "
     "predominant one of that type applied to substantially all M/S benefits in the same "
     "classification.", _ERISA, False, "text", _ECFR_712),
    ("classifications", "29 CFR 2590.712(c)(2)(ii)(A)", "The six classifications of benefits.",
     _ERISA, False, "text", _ECFR_712),
    ("qtl_test", "29 CFR 2590.712(c)(3)", "The quantitative test for financial requirements and "
     "quantitative treatment limitations (substantially all, predominant, projected "
     "payments).", _ERISA, False, "text", _ECFR_712),
    ("substantially_all", "29 CFR 2590.712(c)(3)(i)(A)", "A type of financial requirement or "
     "QTL applies to substantially all M/S benefits in a classification if it applies to at "
     "least two-thirds of them (measured by projected plan payments).", _ERISA, False, "text",
     _ECFR_712),
    ("predominant", "29 CFR 2590.712(c)(3)(i)(B)", "The predominant level is the one that "
     "applies to more than one-half of the M/S benefits subject to the type (combining levels "
     "most restrictive first when none does).", _ERISA, False, "text", _ECFR_712),
    ("plan_payments", "29 CFR 2590.712(c)(3)(i)(C)", "The portion subject to a requirement is "
     "based on the dollar amount of plan payments for M/S benefits expected for the plan year; "
     "any reasonable method may be used.", _ERISA, False, "text", _ECFR_712),
    ("cumulative", "29 CFR 2590.712(c)(3)(v)", "No cumulative financial requirement or "
     "cumulative QTL for MH/SUD benefits that accumulates separately from M/S benefits.",
     _ERISA, False, "text", _ECFR_712),
    ("dollar_limits", "29 CFR 2590.712(b)", "Aggregate lifetime and annual dollar limits on "
     "MH/SUD benefits, measured against all M/S benefits.", _ERISA, False, "text", _ECFR_712),
    ("dollar_none", "29 CFR 2590.712(b)(2)", "No aggregate lifetime or annual dollar limit on "
     "MH/SUD benefits where M/S benefits have none or one on less than one-third of them.",
     _ERISA, False, "text", _ECFR_712 + "; compared with a state rule and an LII copy"),
    ("dollar_two_thirds", "29 CFR 2590.712(b)(3)", "A limit on at least two-thirds of M/S "
     "benefits: apply it to M/S and MH/SUD benefits together, or a MH/SUD limit no lower.",
     _ERISA, False, "text", _ECFR_712 + "; compared with a state rule and an LII copy"),
    ("dollar_weighted", "29 CFR 2590.712(b)(4)", "Limits on more than one-third but less than "
     "two-thirds of M/S benefits: a MH/SUD limit no lower than the weighted average of the M/S "
     "limits.", _ERISA, False, "text", _ECFR_712 + "; compared with a state rule and an LII copy"),
    ("nqtl", "29 CFR 2590.712(c)(4)(i)", "2013 rule: an NQTL may be imposed on MH/SUD benefits "
     "only if the processes, strategies, evidentiary standards and other factors used in "
     "applying it are comparable to, and applied no more stringently than, those for M/S "
     "benefits in the same classification, as written and in operation.", _ERISA, False,
     "text", _ECFR_712 + "; the 2013 text of (c)(4)(i), which the Departments enforce"),
    ("nqtl_paragraph", "29 CFR 2590.712(c)(4)", "The NQTL rule (the paragraph as a whole).",
     _ERISA, False, "text", _ECFR_712),
    ("nqtl_list", "29 CFR 2590.712(c)(4)(ii)", "The illustrative list of NQTLs (medical "
     "management, formulary design, network admission, reimbursement rates, fail-first, "
     "exclusions by facility type ...).", _ERISA, False, "text", _ECFR_712),
    ("relevant_data_2024", "29 CFR 2590.712(c)(4) (relevant data evaluation, 2024 rule)",
     "2024 rule: plans must collect and evaluate relevant data on the impact of each NQTL and "
     "act on material differences in access; network composition measures are named.",
     _ERISA, True, "section", _ECFR_712 + " (2024 text)"),
    ("criteria", "29 CFR 2590.712(d)(1)", "The criteria for medical necessity determinations "
     "for MH/SUD benefits must be made available on request to any current or potential "
     "participant, beneficiary or contracting provider.", _ERISA, False, "text", _ECFR_712),
    ("denial_reason", "29 CFR 2590.712(d)(2)", "The reason for any denial of reimbursement or "
     "payment for MH/SUD benefits must be made available to the participant or beneficiary.",
     _ERISA, False, "text", _ECFR_712),
    ("disclosure", "29 CFR 2590.712(d)", "Availability of plan information: criteria for "
     "medical necessity, reasons for denials, and other law.", _ERISA, False, "text",
     _ECFR_712),
    ("other_law", "29 CFR 2590.712(d)(3)", "Other disclosure law applies: under ERISA section "
     "104 and 29 CFR 2560.503-1, documents on the processes, strategies, evidentiary "
     "standards and other factors used to apply an NQTL must be disclosed on request.", _ERISA,
     False, "text", _ECFR_712),
    ("analysis_2024", "29 CFR 2590.712-1", "2024 rule: the content of the NQTL comparative "
     "analyses (six elements), and their provision to participants and beneficiaries on "
     "request.", _ERISA, True, "section", "eCFR, 29 CFR 2590.712-1 (89 FR 77586)"),
    # --- claims procedure ------------------------------------------------------------------
    ("claims_erisa", "29 CFR 2560.503-1", "ERISA claims procedure.", _CLAIMS, False, "text",
     _ECFR_503),
    ("full_fair_review", "29 CFR 2560.503-1(h)", "Appeal of an adverse benefit determination: "
     "a full and fair review.", _CLAIMS, False, "text", _ECFR_503),
    ("relevant_documents", "29 CFR 2560.503-1(h)(2)(iii)", "On request and free of charge, "
     "reasonable access to and copies of all documents, records and other information "
     "relevant to the claim.", _CLAIMS, False, "text", _ECFR_503),
    ("relevant_defined", "29 CFR 2560.503-1(m)(8)", "What 'relevant' documents are, including "
     "those relied on, submitted, considered or generated, and statements of policy or "
     "guidance on the denied treatment.", _CLAIMS, False, "text", _ECFR_503),
    ("experts", "29 CFR 2560.503-1(h)(3)(iv)", "Identification of the medical or vocational "
     "experts whose advice was obtained.", _CLAIMS, False, "text", _ECFR_503),
    ("appeal_period", "29 CFR 2560.503-1(h)(3)(i)", "At least 180 days after the notice of an "
     "adverse benefit determination to appeal (group health plans).", _CLAIMS, False, "text",
     _ECFR_503),
    ("post_service_decision", "29 CFR 2560.503-1(i)(2)(iii)", "Post-service appeals: decided "
     "within 60 days (group health plans).", _CLAIMS, False, "text", _ECFR_503),
    ("urgent_decision", "29 CFR 2560.503-1(i)(2)(i)", "Urgent care appeals: decided within 72 "
     "hours.", _CLAIMS, False, "text", _ECFR_503),
    ("authorized_rep", "29 CFR 2560.503-1(b)(4)", "A plan's claims procedure may not keep an "
     "authorized representative from acting for a claimant; the plan may set reasonable "
     "procedures to confirm the authorization.", _ERISA, False, "text", _ECFR_503),
    ("medicaid_rep", "42 CFR 438.402", "Medicaid managed care grievance and appeal system: an "
     "enrollee's authorized representative, or a provider with the enrollee's written "
     "consent, may file an appeal.", _MEDICAID, False, "section", "eCFR, 42 CFR 438.402"),
    ("hipaa_authorization", "45 CFR 164.508", "HIPAA: a valid authorization for the use or "
     "disclosure of protected health information (required content).", _ALL, False, "text",
     "eCFR, 45 CFR 164.508"),
    ("part2_consent", "42 CFR 2.31", "Consent requirements for substance use disorder records "
     "of federally assisted programs (42 CFR part 2).", _ALL, False, "text",
     "eCFR, 42 CFR 2.31"),
    ("pre_service_decision", "29 CFR 2560.503-1(i)(2)(ii)", "Pre-service appeals: decided within "
     "30 days (group health plans).", _CLAIMS, False, "text", _ECFR_503),
    ("decision_periods", "29 CFR 2560.503-1(i)(2)", "Time limits for deciding appeals of group "
     "health plans.", _CLAIMS, False, "text", _ECFR_503),
    ("aca_appeals_erisa", "29 CFR 2590.715-2719(b)(2)", "ERISA plans: the internal claims and "
     "appeals process must follow 29 CFR 2560.503-1 with the ACA's additions.", _ERISA, False,
     "text", "eCFR, 29 CFR 2590.715-2719"),
    ("external_erisa", "29 CFR 2590.715-2719(d)(2)(i)", "Federal external review: the request "
     "is due within four months of the final internal adverse benefit determination.", _ERISA,
     False, "text", "eCFR, 29 CFR 2590.715-2719"),
    ("expedited_erisa", "29 CFR 2590.715-2719(d)(3)", "Expedited external review.", _ERISA,
     False, "text", "eCFR, 29 CFR 2590.715-2719"),
    ("grandfathered_erisa", "29 CFR 2590.715-2719(a)(1)(ii)", "The claims and appeals rules "
     "of 2590.715-2719 do not apply to grandfathered plans.", _ERISA, False, "text",
     "eCFR, 29 CFR 2590.715-2719"),
    ("grandfathered_def", "29 CFR 2590.715-1251", "Grandfathered health plans.", _ERISA, False,
     "text", "eCFR, 29 CFR 2590.715-1251"),
    ("external_aca", "45 CFR 147.136(d)(2)(i)", "Federal external review: four months after "
     "the final internal adverse benefit determination.", _NON_ERISA_COMMERCIAL, False, "text",
     _ECFR_147136),
    ("expedited_aca", "45 CFR 147.136(d)(3)", "Expedited external review.",
     _NON_ERISA_COMMERCIAL, False, "text", _ECFR_147136),
    ("full_fair_review_aca", "45 CFR 147.136(b)", "Internal claims and appeals process.",
     frozenset({*_PHSA}), False, "text", _ECFR_147136),
    ("claims_aca", "45 CFR 147.136", "Internal claims and appeals and external review for "
     "group health plans and health insurance issuers under the PHS Act.",
     frozenset({*_PHSA}), False, "text", _ECFR_147136),
    ("claims_aca_group", "45 CFR 147.136(b)(2)", "Group health plans and group issuers must "
     "follow the 29 CFR 2560.503-1 claims procedure (including free access to relevant "
     "documents) plus the ACA's additions.", _PHSA_GROUP, False, "text", _ECFR_147136),
    ("claims_aca_individual", "45 CFR 147.136(b)(3)", "Individual market issuers must follow the "
     "29 CFR 2560.503-1 claims procedure, as it applies to group plans, plus the ACA's "
     "additions.", frozenset({"individual"}), False, "text", _ECFR_147136),
    # --- the PHS Act regulation (45 CFR 146.136) --------------------------------------------
    ("reg_146", "45 CFR 146.136", "The MHPAEA regulation for PHS Act group health plans and "
     "issuers (applied to the individual market by 45 CFR 147.160).", _PHSA, False, "text",
     _ECFR_146),
    ("individual_market", "45 CFR 147.160", "Applies 45 CFR 146.136 to health insurance "
     "coverage in the individual market.", frozenset({"individual"}), False, "text",
     "eCFR, 45 CFR 147.160"),
    # --- Medicaid managed care and CHIP -----------------------------------------------------
    ("medicaid_k", "42 CFR part 438, subpart K", "Parity in mental health and substance use "
     "disorder benefits for Medicaid managed care organizations, PIHPs and PAHPs (42 CFR "
     "438.900 to 438.930).", _MEDICAID, False, "section", _ECFR_438),
    ("medicaid_fr_qtl", "42 CFR 438.910", "Medicaid managed care parity requirements for "
     "financial requirements and treatment limitations.", _MEDICAID, False, "section",
     _ECFR_438),
    ("medicaid_nqtl", "42 CFR 438.910(d)", "Medicaid managed care NQTLs: comparable and no more "
     "stringent processes, strategies, evidentiary standards and other factors, as written "
     "and in operation.", _MEDICAID, False, "text", _ECFR_438),
    ("medicaid_criteria", "42 CFR 438.915(a)", "The MCO's criteria for medical necessity "
     "determinations for MH/SUD benefits must be made available to enrollees, potential "
     "enrollees and contracting providers on request.", _MEDICAID, False, "text", _ECFR_438),
    ("medicaid_denial_reason", "42 CFR 438.915(b)", "The reason for any denial of "
     "reimbursement or payment for MH/SUD benefits must be made available to the enrollee.",
     _MEDICAID, False, "text", _ECFR_438),
    ("medicaid_info", "42 CFR 438.10", "Information the MCO must give enrollees (enrollee "
     "handbook, covered benefits, how to obtain them).", _MEDICAID, False, "section",
     "eCFR, 42 CFR 438.10"),
    ("medicaid_case_file", "42 CFR 438.406(b)(5)", "On appeal, the enrollee and representative "
     "receive the case file, including medical records and any new evidence, free of charge.",
     _MEDICAID, False, "text", "eCFR, 42 CFR 438.406"),
    ("chip_parity", "42 CFR 457.496", "Parity in mental health and substance use disorder "
     "benefits for CHIP state plans and the managed care entities that contract with them.",
     _CHIP, False, "section", _ECFR_457),
    ("chip_info", "42 CFR 457.1207", "CHIP managed care information requirements (applies 42 "
     "CFR 438.10: enrollee handbook, covered benefits).", _CHIP, False, "section",
     "eCFR, 42 CFR 457.1207"),
    ("chip_appeals", "42 CFR 457.1260", "CHIP managed care grievance and appeal system "
     "(applies 42 CFR part 438 subpart F, including the case file).", _CHIP, False, "section",
     "eCFR, 42 CFR 457.1260"),
    # --- guidance ----------------------------------------------------------------------------
    ("warning_signs", "Warning Signs - Plan or Policy NQTLs that Require Additional Analysis",
     "The Departments' list of plan terms that call for additional analysis of an NQTL's "
     "comparability (not the Self-Compliance Tool's Appendix II, which is about provider "
     "reimbursement rates).", _ALL, False, "title", _USC_1185A + " (names the document)"),
)  # fmt: skip

_CLAUSES: Final = {
    "(i)": "the specific plan terms on the NQTL and a description of the MH/SUD and M/S "
    "benefits it applies to",
    "(ii)": "the factors used to determine that the NQTL applies",
    "(iii)": "the evidentiary standards used for the factors, and other sources relied on",
    "(iv)": "the comparative analyses showing comparability and no more stringent application, "
    "as written and in operation",
    "(v)": "the specific findings and conclusions reached by the plan",
}


def _generated() -> list[Citation]:
    """Statute clauses, and the PHS Act regulation's paragraph-for-paragraph parallels."""
    rows = []
    for clause, what in _CLAUSES.items():
        for prefix, binds_, source in (
            ("erisa_analysis", _ERISA, _USC_1185A),
            ("phsa_analysis", _PHSA, _USC_300GG26),
        ):
            base = next(r for r in _ROWS if r[0] == prefix)
            rows.append(
                Citation(
                    f"{prefix}{clause}",
                    base[1] + clause,
                    f"The analysis must include {what}.",
                    binds_,
                    False,
                    "text",
                    source,
                )
            )
    existing = {row[1] for row in _ROWS}
    for row in _ROWS:
        if row[1].startswith("29 CFR 2590.712"):
            text = (
                row[1]
                .replace("29 CFR 2590.712-1", "45 CFR 146.137")
                .replace("29 CFR 2590.712", "45 CFR 146.136")
            )
            source = (
                "eCFR, 45 CFR 146.137 (same text as 29 CFR 2590.712-1)"
                if "146.137" in text
                else _ECFR_146
            )
            if text not in existing:  # 45 CFR 146.136 itself is a row of its own
                rows.append(Citation("phsa:" + row[0], text, row[2], _PHSA, row[4], row[5], source))
    return rows


#: Every checked citation, by key.
CITATIONS: Final[dict[str, Citation]] = {
    **{row[0]: Citation(*row) for row in _ROWS},
    **{c.key: c for c in _generated()},
}
_BY_TEXT: Final[dict[str, Citation]] = {c.text: c for c in CITATIONS.values()}

#: ERISA citation -> {plan family: key of the parallel provision, or None: no parallel}.
#: The PHS Act family ("phsa") defaults to the generated ``phsa:<key>`` entry.
_PARALLEL: Final[dict[str, dict[str, str | None]]] = {
    "erisa_712": {"phsa": "phsa_2726", "medicaid": "medicaid_k", "chip": "chip_parity"},
    "erisa_analysis": {"phsa": "phsa_analysis", "medicaid": "medicaid_k", "chip": "chip_parity"},
    **{
        f"erisa_analysis{c}": {
            "phsa": f"phsa_analysis{c}",
            "medicaid": "medicaid_k",
            "chip": "chip_parity",
        }
        for c in _CLAUSES
    },
    "erisa_warning_signs": {"phsa": "phsa_warning_signs", "medicaid": None, "chip": None},
    "reg_712": {"medicaid": "medicaid_k", "chip": "chip_parity"},
    "general_rule": {"medicaid": "medicaid_fr_qtl", "chip": "chip_parity"},
    "classifications": {"medicaid": "medicaid_fr_qtl", "chip": "chip_parity"},
    "qtl_test": {"medicaid": "medicaid_fr_qtl", "chip": "chip_parity"},
    "substantially_all": {"medicaid": "medicaid_fr_qtl", "chip": "chip_parity"},
    "predominant": {"medicaid": "medicaid_fr_qtl", "chip": "chip_parity"},
    "plan_payments": {"medicaid": "medicaid_fr_qtl", "chip": "chip_parity"},
    "cumulative": {"medicaid": "medicaid_fr_qtl", "chip": "chip_parity"},
    "dollar_limits": {"medicaid": "medicaid_k", "chip": "chip_parity"},
    "dollar_none": {"medicaid": "medicaid_k", "chip": "chip_parity"},
    "dollar_two_thirds": {"medicaid": "medicaid_k", "chip": "chip_parity"},
    "dollar_weighted": {"medicaid": "medicaid_k", "chip": "chip_parity"},
    "nqtl": {"medicaid": "medicaid_nqtl", "chip": "chip_parity"},
    "nqtl_paragraph": {"medicaid": "medicaid_nqtl", "chip": "chip_parity"},
    "nqtl_list": {"medicaid": "medicaid_nqtl", "chip": "chip_parity"},
    "relevant_data_2024": {"medicaid": None, "chip": None},
    "criteria": {"medicaid": "medicaid_criteria", "chip": "chip_parity"},
    "denial_reason": {"medicaid": "medicaid_denial_reason", "chip": "chip_parity"},
    "disclosure": {"medicaid": "medicaid_criteria", "chip": "chip_parity"},
    "other_law": {"medicaid": "medicaid_info", "chip": "chip_parity"},
    "analysis_2024": {"medicaid": None, "chip": None},
}

#: Citation-looking strings: CFR, U.S.C., ERISA and PHS Act sections, appendices.
CITATION_PATTERN: Final = re.compile(
    r"\d+\s+CFR\s+(?:part\s+)?\d+(?:\.\d+(?:-\d+)?)?(?:\([0-9a-zA-Z]+\))*"
    r"|\d+\s+U\.S\.C\.\s+\d+[a-z]?(?:-\d+)?(?:\([0-9a-zA-Z]+\))*"
    r"|\bERISA\s+(?:s\.|section\s+|§\s*)\d+[a-z]?(?:\([0-9a-zA-Z]+\))*"
    r"|\bPHS\s+Act\s+(?:s\.|section\s+|§\s*)\d+(?:\([0-9a-zA-Z]+\))*"
    r"|\bAppendix\s+[IVX\d]+"
)


def cite(key: str) -> str:
    """Return the exact citation string of a table entry.

    Examples
    --------
    >>> cite("predominant")
    '29 CFR 2590.712(c)(3)(i)(B)'
    """
    return CITATIONS[key].text


def _family(plan_type: str) -> str:
    if plan_type in ERISA_PLAN_TYPES:
        return "erisa"
    if plan_type in ("non_federal_governmental", "individual"):
        return "phsa"
    if plan_type == "medicaid_managed_care":
        return "medicaid"
    if plan_type == "chip":
        return "chip"
    return "other"


def binds(key: str, plan_type: str) -> bool:
    """Whether the provision of ``key`` binds ``plan_type``.

    Examples
    --------
    >>> binds("nqtl", "medicaid_managed_care"), binds("medicaid_nqtl", "medicaid_managed_care")
    (False, True)
    """
    return plan_type in CITATIONS[key].binds


def for_plan(text: str, plan_type: str) -> str:
    """Rewrite the ERISA-regulation citations in ``text`` into those binding ``plan_type``.

    ``29 CFR 2590.712(...)`` becomes ``45 CFR 146.136(...)`` for non-federal governmental plans
    and individual policies (the same text, paragraph for paragraph), the subpart K section for
    Medicaid managed care and 42 CFR 457.496 for CHIP; ERISA and PHS Act section numbers
    follow. A citation with no parallel for the plan type (the 2024 rule's content
    requirements outside the group and individual markets) is dropped with its parentheses
    where it stood alone, otherwise left for :func:`check_text` to report.

    Examples
    --------
    >>> for_plan("(29 CFR 2590.712(c)(4)(i))", "individual")
    '(45 CFR 146.136(c)(4)(i))'
    >>> for_plan("(29 CFR 2590.712(d)(1))", "medicaid_managed_care")
    '(42 CFR 438.915(a))'
    """
    family = _family(plan_type)
    if family == "erisa":
        return text
    out = text
    for key in sorted(_PARALLEL, key=lambda k: -len(CITATIONS[k].text)):
        source = CITATIONS[key].text
        if source not in out:
            continue
        if family == "phsa" and "phsa" not in _PARALLEL[key]:
            parallel: str | None = "phsa:" + key if "phsa:" + key in CITATIONS else "reg_146"
        else:
            parallel = _PARALLEL[key].get(family)
        if parallel is None:
            # No parallel provision: drop the citation (and a separator before it).
            out = re.sub(r"(?:;\s*|,\s*)?" + re.escape(source) + r"(?![\w(])", "", out)
            out = re.sub(r"\(\s*\)", "", out).replace("( ", "(")
            out = re.sub(r"\s+([;,])", r"\1", out)
            continue
        out = re.sub(re.escape(source) + r"(?![\w(])", CITATIONS[parallel].text, out)
    return out


def check_text(text: str, plan_type: str) -> list[str]:
    """List the citation-looking strings in ``text`` that are unknown or do not bind the plan.

    Returns
    -------
    list of str
        One line per problem (empty when every citation is in the table and binds
        ``plan_type``).

    Examples
    --------
    >>> check_text("see 42 CFR 438.910(d)", "medicaid_managed_care")
    []
    >>> check_text("see 29 CFR 2590.712(d)(1)", "chip")
    ["'29 CFR 2590.712(d)(1)' does not bind chip"]
    """
    problems = []
    known = sorted(_BY_TEXT, key=len, reverse=True)
    for match in CITATION_PATTERN.finditer(text):
        start = match.start()
        entry = next((c for c in known if text.startswith(c, start)), None)
        if entry is None:
            problems.append(f"{match.group(0)!r} is not in the citation table")
        elif plan_type not in _BY_TEXT[entry].binds:
            problems.append(f"{entry!r} does not bind {plan_type}")
    return problems


def citations_frame():  # type: ignore[no-untyped-def]
    """Return the table as a DataFrame, one row per citation.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``text``, ``summary``, ``binds`` (plan types joined by ``;``),
        ``rule_2024``, ``checked``, ``source``.
    """
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "key": c.key,
                "text": c.text,
                "summary": c.summary,
                "binds": ";".join(t for t in PLAN_TYPES if t in c.binds),
                "rule_2024": c.rule_2024,
                "checked": c.checked,
                "source": c.source,
            }
            for c in CITATIONS.values()
        ]
    )

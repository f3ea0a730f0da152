"""Disclosure requests by plan type: what may be asked for, under which law, and by when.

Used by the complaint letter (what the regulator should obtain from the plan) and the
disclosure request letter (what a participant, enrollee or provider asks the plan for first).
Every legal basis is a key of the checked citation table (:mod:`paritykit.citations`), chosen
for the plan type, so a letter cites only provisions that bind the plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from paritykit.citations import CITATIONS, RULE_2024_ONLY_DATA, cite, for_plan

__all__ = [
    "DisclosureItem",
    "disclosure_items",
    "finding_request",
    "rule_2024_label",
]

Audience = Literal["regulator", "plan"]

_ERISA: Final = ("erisa_insured", "erisa_self_funded")
_PHSA: Final = ("non_federal_governmental", "individual")


@dataclass(frozen=True)
class DisclosureItem:
    """One document request.

    Attributes
    ----------
    key : str
        A short name (``"plan_documents"``, ``"criteria"``, ...).
    text : str
        What is asked for (a sentence without its legal basis).
    basis : str
        The legal basis, as printed: citations from the checked table, with a few words.
    rule_2024 : str
        ``"no"``, ``"yes"`` or ``"partly: ..."``: whether the request rests on the 2024 rule,
        whose new provisions are not federally enforced since 15 May 2025.
    period : str
        The response period the law gives, in words (``"30 days ..."``), or what to ask for.
    exhibit : str
        The exhibits that led to the request (finding requests), else empty.
    """

    key: str
    text: str
    basis: str
    rule_2024: str = "no"
    period: str = ""
    exhibit: str = ""


def rule_2024_label(text: str, plan_type: str = "erisa_insured") -> str:
    """``"partly: ..."`` when ``text`` asks for data only the 2024 rule names, else ``"no"``.

    Examples
    --------
    >>> rule_2024_label("network adequacy data (time and distance, wait times)")
    'partly: time and distance data are named only in the 2024 rule'
    """
    lower = text.lower()
    found = [p for p in RULE_2024_ONLY_DATA if p in lower]
    found = [p for p in found if not any(p != q and p in q for q in found)]
    found = [text[lower.index(p) : lower.index(p) + len(p)] for p in found]  # as written
    if not found:
        return "no"
    what = " and ".join(found) + (" data are" if len(found) == 1 else " are data")
    if plan_type in ("medicaid_managed_care", "chip"):
        return (
            f"partly: {what} named only in the 2024 rule for private and individual "
            "coverage, which does not apply to this plan; they are asked for as a request"
        )
    return f"partly: {what} named only in the 2024 rule"


def _c(key: str, plan_type: str) -> str:
    return for_plan(cite(key), plan_type)


def disclosure_items(
    plan_type: str, *, audience: Audience = "plan", payments: bool = False
) -> list[DisclosureItem]:
    """The standard document requests for a plan type, each with its legal basis.

    Parameters
    ----------
    plan_type : str
        One of ``erisa_insured``, ``erisa_self_funded``, ``non_federal_governmental``,
        ``individual``, ``medicaid_managed_care``, ``chip`` (church and FEHB plans are
        refused by the letters before this is called).
    audience : {"plan", "regulator"}
        ``"plan"``: what a participant, enrollee or provider may ask the plan for;
        ``"regulator"``: what the letter asks the regulator to obtain (the comparative
        analyses go to the regulator on request).
    payments : bool
        Also ask for the projected M/S payments and the method behind the quantitative test.

    Returns
    -------
    list of DisclosureItem

    Examples
    --------
    >>> [i.key for i in disclosure_items("erisa_self_funded")][:3]
    ['plan_documents', 'sbc', 'criteria']
    >>> disclosure_items("medicaid_managed_care")[1].basis
    '42 CFR 438.915(a)'
    """
    erisa = plan_type in _ERISA
    medicaid = plan_type == "medicaid_managed_care"
    chip = plan_type == "chip"
    items: list[DisclosureItem] = []
    if erisa:
        contract = ", the insurance contract" if plan_type == "erisa_insured" else ""
        items.append(
            DisclosureItem(
                "plan_documents",
                f"The summary plan description, the plan document{contract} and the other "
                "instruments under which the plan is established or operated.",
                f"ERISA section 104(b)(4), {cite('erisa_104b4')}",
                period=f"30 days from the written request ({cite('erisa_502c1')}: a court may "
                "award up to $110 a day for a later answer)",
            )
        )
    elif medicaid or chip:
        items.append(
            DisclosureItem(
                "plan_documents",
                "The enrollee handbook and the description of covered benefits, including how "
                "to obtain MH/SUD services.",
                cite("medicaid_info") if medicaid else cite("chip_info"),
                period="no period is set; ask for a reply within 30 days",
            )
        )
    else:
        items.append(
            DisclosureItem(
                "plan_documents",
                "The policy or plan document and the certificate or evidence of coverage.",
                "the terms of the coverage and state law (no federal provision gives this "
                "right for this plan type)",
                period="ask for a reply within 30 days",
            )
        )
    if not (medicaid or chip):
        items.append(
            DisclosureItem(
                "sbc",
                "The summary of benefits and coverage (SBC) for the plan year.",
                f"{cite('sbc')}; {cite('sbc_rule')}",
                period="7 business days from the request",
            )
        )
    items.append(
        DisclosureItem(
            "criteria",
            "The criteria for medical necessity determinations for MH/SUD benefits, including "
            "any level-of-care guidelines, and the comparable criteria for M/S benefits.",
            _c("criteria", plan_type) if not medicaid else cite("medicaid_criteria"),
            period="no period is set; ask for a reply within 30 days",
        )
    )
    items.append(
        DisclosureItem(
            "denial_reason",
            "The reason for each denial of reimbursement or payment for MH/SUD benefits.",
            _c("denial_reason", plan_type) if not medicaid else cite("medicaid_denial_reason"),
            period="no period is set; ask for a reply within 30 days",
        )
    )
    items.append(_analysis_item(plan_type, audience))
    if payments:
        items.append(
            DisclosureItem(
                "payments",
                "The projected plan payments for M/S benefits in each classification for the "
                "plan year, by type and level of financial requirement and treatment limitation, "
                "and the method used to project them, on which the substantially-all and "
                "predominant determinations rest.",
                f"the test is measured on these projections ({_c('plan_payments', plan_type)})"
                + (
                    "; the regulator may require them"
                    if audience == "regulator"
                    else "; no rule names them as a document a participant may obtain, so this "
                    "is a request"
                ),
                period="ask for a reply within 30 days",
            )
        )
    items.append(_claim_documents_item(plan_type))
    return items


def _analysis_item(plan_type: str, audience: Audience) -> DisclosureItem:
    text = (
        "The comparative analyses of each non-quantitative treatment limitation (NQTL) the plan "
        "applies to MH/SUD benefits, with the processes, strategies, evidentiary standards and "
        "other factors used to design and apply it to MH/SUD and M/S benefits."
    )
    if plan_type == "medicaid_managed_care":
        return DisclosureItem(
            "analyses",
            "The parity analysis of each NQTL the plan applies to MH/SUD benefits (processes, "
            "strategies, evidentiary standards and other factors for MH/SUD and M/S benefits), "
            "as documented for the state.",
            f"the Medicaid parity rules, {cite('medicaid_k')}, and {cite('medicaid_nqtl')}",
            period="no period is set; ask for a reply within 30 days",
        )
    if plan_type == "chip":
        return DisclosureItem(
            "analyses",
            "The parity analysis of each NQTL the plan applies to MH/SUD benefits, as "
            "documented for the state.",
            f"the CHIP parity rule, {cite('chip_parity')}",
            period="no period is set; ask for a reply within 30 days",
        )
    statute = _c("erisa_analysis", plan_type)
    if audience == "regulator":
        return DisclosureItem(
            "analyses",
            text,
            f"{statute}: the plan must perform and document them and make them available to "
            "the regulator on request",
            period="the statute's request process",
        )
    erisa = plan_type in ("erisa_insured", "erisa_self_funded")
    other = _c("other_law", plan_type)
    relevant = (
        f"{cite('relevant_documents')} and {cite('relevant_defined')} for a denied claim"
        if erisa
        else f"{cite('claims_aca')} for a denied claim"
    )
    return DisclosureItem(
        "analyses",
        text,
        f"the NQTL's processes, strategies, evidentiary standards and other factors must be "
        f"disclosed on request under other law ({other}; {relevant}); the comparative analyses "
        f"themselves, on a participant's request, under {_c('analysis_2024', plan_type)}",
        rule_2024="partly: giving the comparative analyses themselves to participants on "
        "request is a 2024 rule provision",
        period="30 days for plan instruments under ERISA section 104(b)(4)"
        if erisa
        else "no period is set; ask for a reply within 30 days",
    )


def _claim_documents_item(plan_type: str) -> DisclosureItem:
    text = (
        "For each denied claim: all documents, records and other information relevant to the "
        "claim, free of charge, including the criteria applied and the identity of any medical "
        "expert consulted."
    )
    if plan_type in _ERISA:
        basis = f"{cite('relevant_documents')}; {cite('relevant_defined')}; {cite('experts')}"
    elif plan_type == "non_federal_governmental":
        basis = cite("claims_aca_group")
    elif plan_type == "individual":
        basis = cite("claims_aca_individual")
    elif plan_type == "medicaid_managed_care":
        text = (
            "For each appealed denial: the enrollee's case file, including medical records, "
            "the other documents and records, and any new or additional evidence, free of charge."
        )
        basis = cite("medicaid_case_file")
    else:
        text = (
            "For each appealed denial: the enrollee's case file, including medical records and "
            "the other documents and records considered, free of charge."
        )
        basis = cite("chip_appeals")
    return DisclosureItem(
        "claim_documents",
        text,
        basis,
        period="no period is set; ask for a reply within 30 days",
    )


_LEADING: Final = re.compile(r"^Please provide\s+", re.IGNORECASE)


def finding_request(text: str, plan_type: str, exhibit: str = "") -> DisclosureItem:
    """A request written by the analysis layer, as a labelled item for the plan type.

    The citations inside the text move to the item's ``basis`` (rewritten for the plan type
    with :func:`paritykit.citations.for_plan`); the 2024 label says whether it asks for data
    only the 2024 rule names.

    Examples
    --------
    >>> item = finding_request("Please provide the plan's comparative analysis of the prior "
    ...     "authorization (29 U.S.C. 1185a(a)(8)(A)), together with the lists.", "individual")
    >>> item.text, item.basis
    ("The plan's comparative analysis of the prior authorization, together with the lists.", \
'42 U.S.C. 300gg-26(a)(8)(A)')
    """
    from paritykit.citations import CITATION_PATTERN

    local = for_plan(text, plan_type)
    cited: list[str] = []
    known = sorted((c.text for c in CITATIONS.values()), key=len, reverse=True)

    def pull(match: re.Match[str]) -> str:
        inner = match.group(1)
        if CITATION_PATTERN.search(inner):
            for part in re.split(r"\s*[;/]\s*", inner):
                hit = next((k for k in known if part.startswith(k)), None)
                if hit and hit not in cited:
                    cited.append(hit)
            return ""
        return match.group(0)

    body = re.sub(r"\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)", pull, local)
    body = _LEADING.sub("", body).strip()
    body = body[:1].upper() + body[1:]
    if not body.endswith("."):
        body += "."
    if plan_type == "medicaid_managed_care" and not cited:
        cited.append(cite("medicaid_k"))
    return DisclosureItem(
        "finding",
        body,
        "; ".join(cited) or "the regulator's authority to investigate the complaint",
        rule_2024=rule_2024_label(body, plan_type),
        exhibit=exhibit,
    )

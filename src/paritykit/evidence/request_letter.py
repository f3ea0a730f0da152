"""The disclosure request to the plan: the step before a complaint.

A letter to the plan administrator (the insurer, or the managed care organization) asking
for the documents a participant, enrollee or provider may obtain: the plan documents and the
summary of benefits and coverage, the medical-necessity criteria, the reasons for denials, the
NQTL comparative analyses as far as the law allows, and the documents relevant to a claim.
Each item gives its legal basis for the plan type (from :mod:`paritykit.citations`), the
response period the law gives, and whether it rests on the 2024 rule.

When the quantitative test's results carry a ``screening`` column equal to
``"depends_on_payments"`` for some rows, the letter also asks for the projected M/S payments
and the method behind them for those classifications.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pandas as pd

from paritykit import columns as C
from paritykit._atomic import atomic_write_text
from paritykit.citations import ENFORCEMENT_2024, cite
from paritykit.errors import ConfigurationError
from paritykit.evidence.disclosure import DisclosureItem, disclosure_items
from paritykit.load.plan_facts import PlanFacts

__all__ = [
    "DEPENDS_ON_PAYMENTS",
    "NO_REQUEST_LETTER",
    "REQUEST_STEM",
    "RequestLetter",
    "draft_request_letter",
    "write_request_letter",
]

#: The letter's file name without suffix.
REQUEST_STEM: Final = "request_letter"
#: The ``screening`` value of a quantitative-test row whose result depends on plan payments.
DEPENDS_ON_PAYMENTS: Final = "depends_on_payments"
SCREENING: Final = "screening"

#: Plan types with no request letter, and whom to ask instead.
NO_REQUEST_LETTER: Final[dict[str, str]] = {
    "church": (
        "church plans: paritykit does not draft this request letter. A church plan is outside "
        "ERISA unless it elected ERISA coverage, so ERISA's disclosure rights do not apply; ask "
        "the plan administrator for the plan documents and the medical-necessity criteria "
        "under the plan's own terms, and, if an insurer pays the claims, ask the insurer and "
        "the state insurance regulator. If the plan elected ERISA coverage, use plan_type "
        "erisa_insured or erisa_self_funded."
    ),
    "fehb": (
        "FEHB plans: paritykit does not draft this request letter. Ask the FEHB carrier for "
        "the plan brochure and the criteria applied to a denied claim; for a disputed claim ask "
        "the carrier to reconsider, then ask the U.S. Office of Personnel Management (OPM) to "
        "review it (5 CFR 890.105)."
    ),
}


@dataclass(frozen=True)
class RequestLetter:
    """A drafted disclosure request.

    Attributes
    ----------
    markdown : str
        The letter.
    items : tuple of DisclosureItem
        The documents requested, in order.
    payments_classifications : tuple of str
        Classifications whose quantitative test depends on the plan's projected payments.
    """

    markdown: str = field(repr=False)
    items: tuple[DisclosureItem, ...]
    payments_classifications: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The requested items, one row each (``key``, ``text``, ``basis``, ``period``,
        ``rule_2024``)."""
        return pd.DataFrame(
            [
                {
                    "key": i.key,
                    "text": i.text,
                    "basis": i.basis,
                    "period": i.period,
                    "rule_2024": i.rule_2024,
                }
                for i in self.items
            ]
        )


def _payments_rows(qtl_results: pd.DataFrame | None) -> tuple[str, ...]:
    if qtl_results is None or SCREENING not in qtl_results.columns:
        return ()
    rows = qtl_results[qtl_results[SCREENING].astype("string") == DEPENDS_ON_PAYMENTS]
    if not len(rows):
        return ()
    parts = []
    for rec in rows.to_dict("records"):
        where = str(rec.get(C.CLASSIFICATION, "")).replace("_", " ")
        sub = rec.get(C.SUB_CLASSIFICATION)
        if isinstance(sub, str) and sub:
            where += f" ({sub.replace('_', ' ')})"
        kind = str(rec.get(C.REQUIREMENT_TYPE, "")).replace("_", " ")
        parts.append(f"{where}, {kind}".strip(", "))
    return tuple(dict.fromkeys(parts))


def draft_request_letter(
    facts: PlanFacts,
    *,
    qtl_results: pd.DataFrame | None = None,
    prepared_on: dt.date | None = None,
) -> RequestLetter:
    """Draft a disclosure request to the plan administrator.

    Parameters
    ----------
    facts : PlanFacts
        The plan (its type decides every legal basis).
    qtl_results : pandas.DataFrame, optional
        The quantitative test's results (``QuantitativeTestResult.to_frame()``). Rows whose
        ``screening`` column is ``"depends_on_payments"`` add a request for the projected M/S
        payments and their method; without the column (or the argument) no such request.
    prepared_on : datetime.date, optional
        The letter's date (default today).

    Returns
    -------
    RequestLetter

    Raises
    ------
    ConfigurationError
        For church and FEHB plans, with whom to ask instead (:data:`NO_REQUEST_LETTER`).

    Examples
    --------
    >>> from paritykit.load.plan_facts import read_plan_facts
    >>> facts = read_plan_facts({"plan_name": "Acme", "plan_type": "erisa_self_funded",
    ...                          "state": "OH", "plan_year": 2026})
    >>> letter = draft_request_letter(facts, prepared_on=dt.date(2026, 3, 2))
    >>> "29 U.S.C. 1024(b)(4)" in letter.markdown, "30 days" in letter.markdown
    (True, True)
    """
    from paritykit._version import __version__
    from paritykit.evidence.letters import render_template

    if facts.plan_type in NO_REQUEST_LETTER:
        raise ConfigurationError(NO_REQUEST_LETTER[facts.plan_type])
    classifications = _payments_rows(qtl_results)
    items = disclosure_items(facts.plan_type, audience="plan", payments=bool(classifications))
    erisa = facts.plan_type in ("erisa_insured", "erisa_self_funded")
    medicaid = facts.plan_type in ("medicaid_managed_care", "chip")
    if erisa:
        addressee = [
            f"Plan Administrator, {facts.plan_name}",
            f"c/o {facts.sponsor}" if facts.sponsor else "[the plan sponsor, c/o]",
        ]
        salutation = "Plan Administrator"
        period = (
            "ERISA gives the plan administrator 30 days to send the plan documents in item 1 "
            f"(ERISA section 502(c)(1), {cite('erisa_502c1')}); the other items give their own "
            "periods below."
        )
    elif medicaid:
        addressee = [facts.administrator or "[name of the managed care organization]"]
        salutation = "Member Services"
        period = "Please reply within 30 days; the periods the rules give are stated below."
    else:
        addressee = [facts.administrator or "[legal name of the insurer or plan administrator]"]
        salutation = "Sir or Madam"
        period = (
            "The summary of benefits and coverage is due within 7 business days; please send "
            "the other documents within 30 days."
        )
    addressee.append(
        facts.administrator_address
        or "[postal address of the plan administrator, from the SPD, the ID card or the notice]"
    )
    payments_item = next((n for n, i in enumerate(items, 1) if i.key == "payments"), 0)
    day = prepared_on or dt.date.today()
    text = render_template(
        "request_letter.md.j2",
        facts=facts,
        date=f"{day:%B} {day.day}, {day.year}",
        addressee=addressee,
        salutation=salutation,
        period_sentence=period,
        items=items,
        medicaid=medicaid,
        classifications="; ".join(classifications),
        payments_item=payments_item,
        enforcement_2024=ENFORCEMENT_2024
        if not medicaid
        else (
            "The 2024 amendments to the private and individual market parity rules do not apply "
            "to this plan; the requests rest on the Medicaid and CHIP rules cited."
        ),
        authorization_name="authorization_form.docx",
        copy_to=(
            f"{facts.administrator} (the plan's insurer or claims administrator, which holds the "
            "criteria and claim records)"
            if erisa and facts.administrator
            else ""
        ),
        paritykit_version=__version__,
    )
    return RequestLetter(text, tuple(items), classifications)


def write_request_letter(
    letter: RequestLetter, facts: PlanFacts, out_dir: str | os.PathLike[str]
) -> list[Path]:
    """Write ``request_letter.md|docx`` and the authorization form into ``out_dir``.

    Returns
    -------
    list of pathlib.Path
    """
    from paritykit.evidence.authorization import write_authorization_form
    from paritykit.evidence.documents import markdown_to_docx

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    docx = markdown_to_docx(
        letter.markdown,
        out / f"{REQUEST_STEM}.docx",
        title=f"Request for plan documents: {facts.plan_name}",
        keep_together_from="Sincerely,",
    )
    md = atomic_write_text(out / f"{REQUEST_STEM}.md", letter.markdown)
    return [md, docx, *write_authorization_form(facts, out)]

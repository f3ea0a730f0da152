"""The authorized-representative and consent form a complaint or appeal pack includes.

A template, written as Markdown and DOCX, for the member to sign when someone else (a
provider, a relative, an advocate) files the complaint, the appeal or the disclosure request
for them. Its legal references come from the checked citation table
(:mod:`paritykit.citations`), chosen for the plan type.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Final

from paritykit._atomic import atomic_write_text
from paritykit.citations import cite

__all__ = ["AUTHORIZATION_STEM", "authorization_form", "write_authorization_form"]

#: The form's file name without suffix; ``.md`` and ``.docx`` are written.
AUTHORIZATION_STEM: Final = "authorization_form"


def authorization_form(facts: Any) -> str:
    """The form as Markdown, for one plan (its name and type fill the form's first lines).

    Parameters
    ----------
    facts : PlanFacts
        The plan's facts (``plan_name``, ``plan_type``, ``member_id``).

    Returns
    -------
    str

    Examples
    --------
    >>> from paritykit.load.plan_facts import read_plan_facts
    >>> facts = read_plan_facts({"plan_name": "Acme", "plan_type": "erisa_self_funded",
    ...                          "state": "OH", "plan_year": 2026})
    >>> "29 CFR 2560.503-1(b)(4)" in authorization_form(facts)
    True
    """
    from paritykit.safety import escape_markdown

    plan_type = facts.plan_type
    if plan_type in ("erisa_insured", "erisa_self_funded"):
        rep = (
            "The plan may not refuse an authorized representative; it may ask for its own form "
            f"to confirm the authorization ({cite('authorized_rep')}). If it does, sign that "
            "form too."
        )
    elif plan_type == "medicaid_managed_care":
        rep = (
            "An authorized representative, or a provider with the enrollee's written consent, "
            f"may file a grievance or appeal for the enrollee ({cite('medicaid_rep')}). The "
            "plan or the state may have its own form: if so, sign that form too."
        )
    else:
        rep = (
            "The plan, the insurer or the regulator may have its own authorization form: if so, "
            "sign that form too."
        )
    plan = escape_markdown(facts.plan_name)
    member_id = escape_markdown(getattr(facts, "member_id", None) or "") or "____________________"
    return f"""# Authorization to act for a plan member

I, the member (or the member's parent or legal guardian), authorize the representative named
below to act for me about my coverage under **{plan}** (member ID: {member_id}).

| About | To fill in |
|---|---|
| Member's name | ____________________ |
| Member's date of birth | ____________________ |
| Member's address and telephone | ____________________ |
| Representative's name (and organization) | ____________________ |
| Representative's address, telephone and email | ____________________ |

**The representative may** (tick each that applies):

- [ ] file and pursue a complaint about the plan with a regulator, and receive its answers;
- [ ] file and pursue appeals (internal and external review) of denied claims;
- [ ] ask for and receive the plan's documents, the criteria it applied and the records of my
  claims;
- [ ] discuss my claims and coverage with the plan, the insurer and the regulator.

**Information that may be disclosed** to the representative and to the regulator: my claims,
denial notices, explanations of benefits, appeal records and the medical records needed for
these requests. [Strike out anything you do not want disclosed.] This is an authorization for
the disclosure of health information ({cite("hipaa_authorization")}). If substance use
disorder treatment records from a federally assisted program are involved, they may be
disclosed only with a consent that meets {cite("part2_consent")}: name the program and the
records.

{rep}

This authorization ends on ____________________ (date), or when I revoke it in writing, which
I may do at any time (a revocation does not undo what was done before it). My treatment,
payment, enrollment and eligibility do not depend on signing it.

Signature of the member (or parent or legal guardian): ______________________________

Printed name: ____________________ Date: ____________________

If signed by a parent or legal guardian, the relationship to the member:
____________________

Signature of the representative: ______________________________ Date: ____________________

*Template prepared with paritykit; not legal advice. Keep a copy; send one with each request.*
"""


def write_authorization_form(facts: Any, out_dir: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write ``authorization_form.md`` and ``.docx`` into ``out_dir`` (atomically).

    Returns
    -------
    tuple of pathlib.Path
        The Markdown and DOCX paths.
    """
    from paritykit.evidence.documents import markdown_to_docx

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    text = authorization_form(facts)
    docx = markdown_to_docx(
        text, out / f"{AUTHORIZATION_STEM}.docx", title="Authorization to act for a plan member"
    )
    md = atomic_write_text(out / f"{AUTHORIZATION_STEM}.md", text)
    return md, docx

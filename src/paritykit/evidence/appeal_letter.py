"""Draft an internal appeal of a denied claim: Markdown from a Jinja2 template, then DOCX.

The letter holds only what the payer should read: the denial facts taken from the remittance
(or billing) data, whether the appeal is within the filing period (and says so when the
deadline has passed), the reasons to reverse, and parity language with the disclosure requests
that follow from it, including the documents relevant to the claim, each cited for the plan
type from :mod:`paritykit.citations` (29 CFR 2560.503-1 for ERISA plans, 45 CFR 147.136 outside
ERISA). The practice's own material, the deadlines in detail, the documentation checklist and
the guide to the treating clinician's letter, is a separate practice sheet
(:attr:`AppealLetter.practice_sheet`). Its words live in
``paritykit/templates/appeal_letter.md.j2`` and ``appeal_practice_sheet.md.j2``. Clinical facts
are never invented: they appear as visible ``[bracketed placeholders]`` for the practice to fill
from the clinical record.

The letter names the remittance file(s) the claim came from (the ``source_file`` column of
:func:`paritykit.read_835` and :func:`paritykit.read_billing_export`). A duplicate denial
(CARC 18 or B13 on every denied line) gets no letter: the next step is to check and resubmit.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from paritykit import columns as C
from paritykit._atomic import atomic_write_text
from paritykit._version import __version__
from paritykit.analysis.appeals import (
    AppealDeadlines,
    AppealPlanType,
    appeal_deadlines,
    appeal_rules_for,
    deadline_status,
)
from paritykit.analysis.denials import NEXT_STEP_RESUBMIT, RESUBMIT_NOTE, next_step_for
from paritykit.classify.carc import classify_carc
from paritykit.errors import ConfigurationError, DataValidationError

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "APPEAL_TEMPLATE",
    "DISCLAIMER_PHRASE",
    "AppealLetter",
    "draft_appeal_letter",
    "write_appeal_letter",
]

#: The template file (package data under ``paritykit/templates``).
APPEAL_TEMPLATE: Final = "appeal_letter.md.j2"
#: The practice sheet's template.
PRACTICE_SHEET_TEMPLATE: Final = "appeal_practice_sheet.md.j2"
#: A phrase every drafted letter carries.
DISCLAIMER_PHRASE: Final = "This is not legal advice."
_PLACEHOLDER: Final = re.compile(r"\[(?! \])[^\]\n]+\]")
_NQTL_WORDS: Final[dict[str, str]] = {
    "authorization": "prior authorization",
    "medical_necessity": "medical-necessity review",
}


@dataclass(frozen=True)
class AppealLetter:
    """A drafted appeal letter and the facts it rests on.

    Attributes
    ----------
    claim_id, plan_id : str
    markdown : str
        The letter.
    lines : pandas.DataFrame
        The denied claim lines the letter describes.
    deadlines : AppealDeadlines or None
        None when the data has no denial or remittance date.
    notice_date : datetime.date or None
    notice_date_source : str or None
        ``denial_date`` or ``payment_date (remittance date)``.
    categories : tuple of str
        CARC categories of the denial.
    plan_type : str
    source_files : tuple of str
        The remittance or export file(s) the claim's denied lines came from (file names).
    placeholders : tuple of str
        The ``[bracketed]`` items left for the practice to complete, in order.
    practice_sheet : str
        The practice's sheet (Markdown): deadlines in detail, the documentation checklist, the
        guide to the clinician's letter. Not sent to the payer.
    """

    claim_id: str
    plan_id: str
    markdown: str = field(repr=False)
    lines: pd.DataFrame = field(repr=False)
    deadlines: AppealDeadlines | None = field(repr=False)
    notice_date: dt.date | None
    notice_date_source: str | None
    categories: tuple[str, ...]
    plan_type: str
    source_files: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = field(default=(), repr=False)
    practice_sheet: str = field(default="", repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The denied claim lines (a copy)."""
        return self.lines.copy()

    def summary(self) -> str:
        """What the letter is about and how much is left to complete."""
        due = (
            "internal appeal "
            + deadline_status(self.deadlines.appeal_filing_deadline, self.deadlines.as_of)
            if self.deadlines is not None
            else "deadline unknown (no notice date in the data)"
        )
        return (
            f"Appeal letter for claim {self.claim_id} ({self.plan_id}); denial "
            f"{', '.join(self.categories) or 'reason not given'}; {due}; "
            f"{len(self.placeholders)} [bracketed] items to complete"
        )

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.summary())}</p><pre>{html.escape(self.markdown)}</pre>"


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("paritykit", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_markdown_safe,
    )


def _markdown_safe(value: Any) -> Any:
    """Escape Markdown markers in values (never in the template's own text)."""
    if isinstance(value, str):
        from paritykit.safety import escape_markdown

        return escape_markdown(value)
    return value


def _money(value: float) -> str:
    return "[not reported]" if pd.isna(value) else f"${value:,.2f}"


def _day(value: Any) -> str | None:
    stamp = pd.to_datetime(value, errors="coerce")
    return None if pd.isna(stamp) else f"{stamp:%Y-%m-%d}"


def _joined(values: pd.Series) -> str:
    seen = [str(v) for v in dict.fromkeys(v for v in values if v is not None and not pd.isna(v))]
    return ", ".join(seen)


def _col(lines: pd.DataFrame, name: str) -> pd.Series:
    return (
        lines[name] if name in lines.columns else pd.Series(None, index=lines.index, dtype=object)
    )


def draft_appeal_letter(
    claim_lines: pd.DataFrame | Any,
    *,
    plan_type: AppealPlanType = "erisa_insured",
    claim_id: str | None = None,
    plan_appeal_days: int | None = None,
    as_of: dt.date | str | None = None,
    prepared_on: dt.date | None = None,
    data_source: str | None = None,
    final_denial_date: dt.date | str | None = None,
    grandfathered: bool = False,
) -> AppealLetter:
    """Draft an internal appeal for one denied claim.

    Parameters
    ----------
    claim_lines : pandas.DataFrame, Remittances or BillingExport
        Claim lines (read_835 or read_billing_export output, or a claims table). Only the
        claim's denied lines are used.
    plan_type : str, default "erisa_insured"
        One of :data:`paritykit.vocab.PLAN_TYPES` (or the older ``group`` /
        ``grandfathered_group``); decides the deadline rules and which regulations the parity
        section cites. Medicaid, CHIP, church and FEHB plans are refused with a message saying
        where to turn.
    claim_id : str, optional
        The claim to appeal; required when the lines hold more than one claim.
    plan_appeal_days : int, optional
        The appeal period the plan states (see :func:`paritykit.appeal_deadlines`).
    as_of : date, optional
        Count the days left from this date (default: ``prepared_on``).
    prepared_on : date, optional
        The date printed as the drafting date (default: today).
    data_source : str, optional
        Where the facts came from, as printed in the letter's first paragraph; by default the
        claim's own ``source_file`` (the remittance file), else "remittance data".
    final_denial_date : date, optional
        When the plan's final internal denial was received (default: the claim's
        ``final_denial_date`` column, if any); the external-review date is counted from it.
    grandfathered : bool, default False
        The plan is grandfathered under the ACA (no federal external review).

    Returns
    -------
    AppealLetter

    Raises
    ------
    ConfigurationError
        No claim id was given for several claims, the claim is not in the data, it has no
        denied line, or it was denied as a duplicate (check and resubmit instead), or the plan
        type's appeals follow rules paritykit does not draft for.

    Examples
    --------
    >>> import pandas as pd
    >>> lines = pd.DataFrame({"claim_id": ["C0002"], "line_number": [1],
    ...     "plan_id": ["EXAMPLE BLUE PLAN"], "status": ["denied"], "denial_reason": ["50"],
    ...     "procedure_code": ["90837"], "billed_amount": [200.0], "paid_amount": [0.0],
    ...     "service_date": pd.to_datetime(["2024-03-04"]),
    ...     "payment_date": pd.to_datetime(["2024-03-25"])})
    >>> letter = draft_appeal_letter(lines, prepared_on=dt.date(2024, 4, 1))
    >>> letter.deadlines.appeal_filing_deadline
    datetime.date(2024, 9, 21)
    >>> "[patient's name]" in letter.markdown, "29 CFR 2590.712(d)(1)" in letter.markdown
    (True, True)
    """
    name, rules, grandfathered = appeal_rules_for(plan_type, grandfathered)
    data = getattr(claim_lines, "claims", claim_lines)
    if not isinstance(data, pd.DataFrame):
        raise ConfigurationError(
            f"draft_appeal_letter takes claim lines as a DataFrame (or read_835 / "
            f"read_billing_export results); got {type(claim_lines).__name__}."
        )
    for needed in (C.CLAIM_ID, C.PLAN_ID, C.STATUS):
        if needed not in data.columns:
            raise DataValidationError(
                f"the claim lines lack column {needed!r}; found {list(map(str, data.columns))}.",
                pd.DataFrame(),
            )
    ids = data[C.CLAIM_ID].astype(str)
    if claim_id is None:
        distinct = sorted(set(ids))
        if len(distinct) != 1:
            raise ConfigurationError(
                f"the claim lines hold {len(distinct)} claims; pass claim_id= naming the one to "
                f"appeal (for example {distinct[:3]})."
            )
        claim_id = distinct[0]
    lines = data[ids == str(claim_id)]
    if lines.empty:
        raise ConfigurationError(
            f"claim {claim_id!r} is not in the data; check the claim number (CLP01 on the 835, "
            "the practice's claim id)."
        )
    denied = lines[lines[C.STATUS] == "denied"].copy()
    if denied.empty:
        raise ConfigurationError(
            f"claim {claim_id!r} has no denied line (statuses: {_joined(lines[C.STATUS])}); "
            "there is nothing to appeal."
        )
    if denied[C.PLAN_ID].nunique() > 1:
        raise ConfigurationError(
            f"claim {claim_id!r} was denied by several payers ({_joined(denied[C.PLAN_ID])}); "
            "pass only one payer's lines."
        )
    reasons = classify_carc(pd.DataFrame({C.DENIAL_REASON: _col(denied, C.DENIAL_REASON)}))
    categories = tuple(str(c) for c in dict.fromkeys(reasons[C.CARC_CATEGORY].dropna()))
    labels = _joined(reasons[C.CARC_LABEL])
    if next_step_for(reasons[C.CARC_CATEGORY]) == NEXT_STEP_RESUBMIT:
        raise ConfigurationError(
            f"claim {claim_id!r} was denied as a duplicate (CARC "
            f"{_joined(_col(denied, C.DENIAL_REASON))}: {labels}); the next step is to "
            f"{NEXT_STEP_RESUBMIT}, not a clinical appeal, so no appeal letter is drafted. "
            f"{RESUBMIT_NOTE[0].upper()}{RESUBMIT_NOTE[1:]}."
        )
    source_files = tuple(
        dict.fromkeys(Path(str(f)).name for f in _col(denied, C.SOURCE_FILE).dropna())
    )
    if data_source is None:
        data_source = ", ".join(source_files) or "remittance data"

    notice, source = None, None
    for col, label in ((C.DENIAL_DATE, "denial date"), (C.PAYMENT_DATE, "remittance date")):
        day = pd.to_datetime(_col(denied, col), errors="coerce").dropna()
        if len(day):
            notice, source = day.max().date(), label
            break
    prepared = prepared_on or dt.date.today()
    counted = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else (as_of or prepared)
    if final_denial_date is None:
        finals = pd.to_datetime(_col(denied, C.FINAL_DENIAL_DATE), errors="coerce").dropna()
        final_denial_date = finals.max().date() if len(finals) else None
    deadlines = None
    deadline_values = None
    if notice is not None:
        deadlines = appeal_deadlines(
            notice,
            plan_type=name,  # type: ignore[arg-type]
            plan_appeal_days=plan_appeal_days,
            final_denial_date=final_denial_date,
            grandfathered=grandfathered,
            as_of=counted,
        )
        rows = deadlines.to_frame().set_index(C.DEADLINE)
        filing = rows.loc["internal_appeal_filing"]
        expedited = (
            rows.loc["expedited_external_review"]
            if "expedited_external_review" in rows.index
            else None
        )
        deadline_values = {
            "filing": f"{deadlines.appeal_filing_deadline:%B} "
            f"{deadlines.appeal_filing_deadline.day}, {deadlines.appeal_filing_deadline.year}",
            "period": filing[C.PERIOD],
            "citation": filing[C.CITATION],
            "as_of": f"{counted:%Y-%m-%d}",
            "status": deadline_status(deadlines.appeal_filing_deadline, counted),
            "passed": deadlines.appeal_filing_deadline < counted,
            "decision_period": deadlines.decision_period,
            "grandfathered": grandfathered,
            "external": (
                f"{deadlines.external_review_deadline:%Y-%m-%d}"
                if deadlines.external_review_deadline is not None
                else None
            ),
            "external_status": deadlines.external_review_window,
            "external_citation": rows.loc["external_review_request", C.CITATION],
            "expedited_citation": None if expedited is None else expedited[C.CITATION],
            "notes": list(deadlines.notes),
        }
    services = pd.to_datetime(_col(denied, C.SERVICE_DATE), errors="coerce").dropna()
    procedures = [
        f"{code}" + (f" (modifier {mod})" if mod is not None and not pd.isna(mod) else "")
        for code, mod in zip(
            _col(denied, C.PROCEDURE_CODE), _col(denied, C.PROCEDURE_MODIFIERS), strict=True
        )
        if code is not None and not pd.isna(code)
    ]
    groups = _col(denied, C.DENIAL_GROUP_CODE)
    codes = [
        (f"{g}-{r}" if g is not None and not pd.isna(g) else str(r))
        for g, r in zip(groups, _col(denied, C.DENIAL_REASON), strict=True)
        if r is not None and not pd.isna(r)
    ]
    billed = pd.to_numeric(_col(denied, C.BILLED_AMOUNT), errors="coerce")
    paid = pd.to_numeric(_col(denied, C.PAID_AMOUNT), errors="coerce")
    facts = {
        "claim_id": str(claim_id),
        "plan_id": str(denied[C.PLAN_ID].iloc[0]),
        "member_id": _joined(_col(denied, C.MEMBER_ID)) or None,
        "payer_claim_control_number": _joined(_col(denied, C.PAYER_CLAIM_CONTROL_NUMBER)) or None,
        "service_dates": ", ".join(sorted({f"{d:%Y-%m-%d}" for d in services}))
        or "[date(s) of service]",
        "procedures": ", ".join(dict.fromkeys(procedures)) or "[CPT/HCPCS code(s)]",
        "billed": _money(float(billed.sum())) if billed.notna().any() else "[not reported]",
        "paid": _money(float(paid.sum())) if paid.notna().any() else "[not reported]",
        "reasons": ", ".join(dict.fromkeys(codes)) or "[denial reason code from the notice]",
        "labels": labels or "[the plan's stated reason, from the notice]",
        "categories": ", ".join(c.replace("_", " ") for c in categories) or "[not given]",
        "notice_date": f"{notice:%Y-%m-%d}" if notice else "[date of the denial notice]",
        "notice_source": source or "not in the data",
        "diagnosis": _joined(_col(denied, C.DIAGNOSIS_CODE)) or None,
        "source_files": ", ".join(source_files) or None,
    }
    nqtl = [_NQTL_WORDS[c] for c in categories if c in _NQTL_WORDS]
    networks = set(_col(denied, C.NETWORK_STATUS).dropna())
    network_words = (
        "in-network"
        if networks == {"in"}
        else "out-of-network"
        if networks == {"out"}
        else "[in-network or out-of-network]"
    )
    values = {
        "version": __version__,
        "prepared_on": f"{prepared:%Y-%m-%d}",
        "data_source": data_source,
        "facts": facts,
        "deadline": deadline_values,
        "category_set": set(categories),
        "is_erisa": rules == "erisa",
        "cites": _cites(name, rules),
        "nqtl_words": " and ".join(nqtl)
        if nqtl
        else "[the limitation applied: for example medical-necessity review]",
        "network_words": network_words,
    }
    text = _tidy(_environment().get_template(APPEAL_TEMPLATE).render(**values))
    sheet = _tidy(_environment().get_template(PRACTICE_SHEET_TEMPLATE).render(**values))
    return AppealLetter(
        claim_id=str(claim_id),
        plan_id=facts["plan_id"],
        markdown=text,
        lines=denied.reset_index(drop=True),
        deadlines=deadlines,
        notice_date=notice,
        notice_date_source=source,
        categories=categories,
        plan_type=name,
        source_files=source_files,
        placeholders=tuple(_PLACEHOLDER.findall(text)),
        practice_sheet=sheet,
    )


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _cites(plan_type: str, rules: str) -> dict[str, str]:
    """The citations the letter and the sheet print, for the plan type's rules."""
    from paritykit.citations import cite, for_plan

    if rules == "erisa":
        return {
            "full_fair": cite("full_fair_review"),
            "post_service": cite("post_service_decision"),
            "appeal_period": cite("appeal_period"),
            "urgent": cite("urgent_decision"),
            "nqtl": cite("nqtl"),
            "criteria": cite("criteria"),
            "denial_reason": cite("denial_reason"),
            "other_law": cite("other_law"),
            "analysis": f"{cite('erisa_analysis')}; {cite('analysis_2024')}",
            "relevant": f"{cite('relevant_documents')} and {cite('relevant_defined')}",
        }
    claims = cite("claims_aca_individual" if rules == "individual" else "claims_aca_group")
    local = "individual" if rules == "individual" else "non_federal_governmental"
    return {
        "full_fair": cite("full_fair_review_aca"),
        "post_service": f"{claims}, applying {cite('post_service_decision')}",
        "appeal_period": f"{claims}, applying {cite('appeal_period')}",
        "urgent": f"{claims}, applying {cite('urgent_decision')}",
        "nqtl": for_plan(cite("nqtl"), local),
        "criteria": for_plan(cite("criteria"), local),
        "denial_reason": for_plan(cite("denial_reason"), local),
        "other_law": for_plan(cite("other_law"), local),
        "analysis": f"{cite('phsa_analysis')}; {for_plan(cite('analysis_2024'), local)}",
        "relevant": f"{claims}, applying {cite('relevant_documents')}",
    }


def write_appeal_letter(letter: AppealLetter, folder: str | os.PathLike[str]) -> list[Path]:
    """Write the letter, the practice sheet and the authorization form into ``folder``.

    Files (each written atomically): ``appeal_letter_<claim>.md|docx`` (for the payer; the
    signature block is kept on one page), ``appeal_practice_sheet_<claim>.md|docx`` (for the
    practice) and ``authorization_form.md|docx`` (for the patient to sign when the practice
    appeals for them).

    Returns
    -------
    list of pathlib.Path
        The letter's Markdown and DOCX, then the sheet's, then the form's.
    """
    from paritykit.evidence.documents import markdown_to_docx

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    from paritykit.safety import safe_stem

    stem = safe_stem("appeal_letter_" + letter.claim_id)
    md = atomic_write_text(out / f"{stem}.md", letter.markdown)
    docx = markdown_to_docx(
        letter.markdown,
        out / f"{stem}.docx",
        title=f"Appeal of claim {letter.claim_id}",
        keep_together_from="Sincerely,",
    )
    written = [md, docx]
    if letter.practice_sheet:
        sheet_stem = safe_stem("appeal_practice_sheet_" + letter.claim_id)
        written.append(atomic_write_text(out / f"{sheet_stem}.md", letter.practice_sheet))
        written.append(
            markdown_to_docx(
                letter.practice_sheet,
                out / f"{sheet_stem}.docx",
                title=f"Practice sheet: appeal of claim {letter.claim_id}",
            )
        )
    from types import SimpleNamespace

    from paritykit.evidence.authorization import write_authorization_form

    member = _joined(_col(letter.lines, C.MEMBER_ID)) or None
    facts = SimpleNamespace(
        plan_name=letter.plan_id,
        plan_type=letter.plan_type
        if letter.plan_type not in ("group", "grandfathered_group")
        else "erisa_insured",
        member_id=member,
    )
    written.extend(write_authorization_form(facts, out))
    return written

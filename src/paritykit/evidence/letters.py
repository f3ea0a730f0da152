"""The complaint letter: Markdown from a Jinja2 template (package data), then DOCX.

The letter is addressed to the regulator for the plan type, from the packaged regulator
directory (:func:`paritykit.analysis.jurisdiction.regulators_for`). Its first paragraph says what
is wrong, with the numbers in plain words, and the relief asked; then an identifier block, the
law that applies, the findings once each (most serious first, with their exhibits; sentences
several findings share are said once; no p-values, which stay in the exhibits), the document
requests without duplicates (each with its legal basis and whether it rests on the 2024 rule),
the relief, and the enclosures. Every citation comes from :mod:`paritykit.citations`, rewritten
for the plan type. Its words live in ``paritykit/templates/complaint_letter.md.j2``; this module
only checks and arranges the values. Facts the user has not given appear as
``[bracketed placeholders]``.

Only quantitative-test results are stated as the regulation's arithmetic on the data provided;
outcome disparities and NQTL findings are warning signs that call for the plan's comparative
analysis. A finding from those sources that claims a violation is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from paritykit import columns as C
from paritykit._atomic import atomic_write_text
from paritykit.analysis.jurisdiction import NO_COMPLAINT_LETTER, Regulator
from paritykit.citations import ENFORCEMENT_2024, cite, for_plan
from paritykit.errors import ConfigurationError
from paritykit.evidence.disclosure import DisclosureItem, disclosure_items, finding_request
from paritykit.evidence.documents import markdown_to_docx
from paritykit.load.plan_facts import PlanFacts
from paritykit.validate.problems import ProblemLog, did_you_mean
from paritykit.vocab import PLAN_TYPES

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "COMPLAINT_TEMPLATE",
    "FINDING_SOURCES",
    "LETTER_STEM",
    "ComplaintContext",
    "render_complaint_letter",
    "render_template",
    "write_complaint_letter",
]

#: The template file (package data under ``paritykit/templates``).
COMPLAINT_TEMPLATE: Final = "complaint_letter.md.j2"
#: The letter's file name without suffix; ``.md`` and ``.docx`` are written.
LETTER_STEM: Final = "complaint_letter"
#: Where a finding comes from; only ``quantitative_test`` results may be stated as failures.
FINDING_SOURCES: Final[tuple[str, ...]] = (
    "quantitative_test",
    "denial_rates",
    "stratified",
    "nqtl",
)
#: Most serious first; severities not listed here sort after these, in their given order.
SEVERITY_ORDER: Final[tuple[str, ...]] = ("noncompliant", "warning_sign", "insufficient", "review")

# Column names of the findings and exhibits tables (the evidence pack's own tables).
EXHIBIT: Final = "exhibit"
SOURCE: Final = "source"
TITLE: Final = "title"
SHEET: Final = "sheet"
FINDING_REQUIRED: Final[tuple[str, ...]] = (EXHIBIT, SOURCE, C.SEVERITY, C.FINDING, C.CITATION)
EXHIBIT_REQUIRED: Final[tuple[str, ...]] = (EXHIBIT, TITLE, SHEET)

#: Wording that states a violation as proven; refused in findings that are warning signs.
_VIOLATION_CLAIM: Final = re.compile(
    r"\bviolat(?:es|ed|ing)\b|\bis (?:a|in) violation\b|\bin violation of\b", re.IGNORECASE
)


@dataclass(frozen=True, eq=False)
class ComplaintContext:
    """Everything the complaint letter says, gathered by the evidence pack.

    Attributes
    ----------
    facts : PlanFacts
        The plan's jurisdiction facts.
    regulators : tuple of Regulator
        From :func:`paritykit.analysis.jurisdiction.regulators_for`; the ``"primary"`` one is
        addressed, ``"also"`` ones get a copy.
    findings : pandas.DataFrame
        One row per finding with columns ``exhibit`` (``"Exhibit B"``), ``source`` (one of
        :data:`FINDING_SOURCES`), ``severity``, ``finding`` (a sentence written by the analysis
        layer), ``citation``, and optionally ``rule_basis`` and ``disclosure_request``.
    exhibits : pandas.DataFrame
        One row per exhibit with columns ``exhibit``, ``title`` and ``sheet``.
    rule_versions : tuple of str
        The rule and code-set versions the analysis used.
    paritykit_version : str
        The version that prepared the evidence.
    prepared_on : datetime.date
        The letter's date.
    suppressed : bool
        Whether small-cell suppression was on for the exhibits.
    workbook_name : str
        The workbook file that holds the exhibits.
    headline : tuple of str
        The main findings in plain words with their numbers, for the first paragraph (for
        example "MH/SUD claims in outpatient in-network care were denied 1.8 times as often as
        M/S claims: 18.3% against 10.3%"); by default taken from the most serious findings.
    report_name, authorization_name : str
        The report and the authorization form files listed as enclosures.

    Notes
    -----
    Equality is identity (the frames make value equality ambiguous).
    """

    facts: PlanFacts
    regulators: tuple[Regulator, ...]
    findings: pd.DataFrame
    exhibits: pd.DataFrame
    rule_versions: tuple[str, ...]
    paritykit_version: str
    prepared_on: dt.date
    suppressed: bool
    workbook_name: str = "evidence.xlsx"
    headline: tuple[str, ...] = ()
    report_name: str = "report.pdf"
    authorization_name: str = "authorization_form.docx"


def render_template(name: str, /, **values: Any) -> str:
    """Render a Markdown template from ``paritykit/templates`` with strict undefined values.

    Every value written with ``{{ }}`` is made safe for Markdown and HTML
    (:func:`paritykit.safety.escape_markdown`): markers such as ``*``, ``_``, ``[``, ``<`` are
    escaped and line breaks become spaces, so data can never add formatting, links, HTML or
    blocks. The filter ``sentence`` ends a value with a full stop unless it already has one.

    Parameters
    ----------
    name : str
        The template's file name, such as ``"complaint_letter.md.j2"``.
    **values
        The template's variables; a missing one raises ``jinja2.UndefinedError``.

    Returns
    -------
    str
        Markdown, with runs of blank lines collapsed to one and a final newline.
    """
    text = _environment().get_template(name).render(**values)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_complaint_letter(context: ComplaintContext) -> str:
    """Render the complaint letter as Markdown.

    Parameters
    ----------
    context : ComplaintContext
        The facts, regulators, findings and exhibits.

    Returns
    -------
    str
        The letter in Markdown.

    Raises
    ------
    DataValidationError
        When a finding lacks a required value, names an unknown source or exhibit, or states a
        warning sign (outcome data, NQTL) as a proven violation.
    ConfigurationError
        When no regulator is marked ``"primary"`` or the plan type is unknown; for church and
        FEHB plans, with whom to contact instead
        (:data:`paritykit.analysis.jurisdiction.NO_COMPLAINT_LETTER`).

    Examples
    --------
    >>> import datetime as dt
    >>> import pandas as pd
    >>> from paritykit.analysis.jurisdiction import regulators_for
    >>> from paritykit.load.plan_facts import read_plan_facts
    >>> facts = read_plan_facts({"plan_name": "Acme Health Plan", "plan_type": "erisa_self_funded",
    ...                          "state": "OH", "plan_year": 2026})
    >>> findings = pd.DataFrame([{
    ...     "exhibit": "Exhibit A", "source": "quantitative_test", "severity": "noncompliant",
    ...     "finding": "The copay applies to 50% of M/S payments, less than two-thirds.",
    ...     "citation": "29 CFR 2590.712(c)(3)"}])
    >>> exhibits = pd.DataFrame([{"exhibit": "Exhibit A", "title": "Quantitative test",
    ...                           "sheet": "Quantitative test"}])
    >>> context = ComplaintContext(facts, regulators_for(facts), findings, exhibits, (),
    ...                            "0.1.0", dt.date(2026, 3, 2), True)
    >>> text = render_complaint_letter(context)
    >>> "Employee Benefits Security Administration" in text, "[your name]" in text
    (True, True)
    """
    _check(context)
    plan_type = context.facts.plan_type
    primary = [r for r in context.regulators if r.role == "primary"]
    findings, shared = _letter_findings(_ordered_findings(context.findings), plan_type)
    items = _requests(findings, plan_type)
    return render_template(
        COMPLAINT_TEMPLATE,
        facts=context.facts,
        date=_us_date(context.prepared_on),
        primary=primary[0],
        copies=[r for r in context.regulators if r.role != "primary"],
        findings=findings,
        shared=shared,
        headline=list(context.headline) or _headline(findings),
        requests=items,
        bases=_rule_bases(findings),
        exhibits=_records(context.exhibits, EXHIBIT_REQUIRED),
        rule_versions=list(context.rule_versions),
        paritykit_version=context.paritykit_version,
        suppressed=context.suppressed,
        workbook_name=context.workbook_name,
        report_name=context.report_name,
        authorization_name=context.authorization_name,
        law=_law(plan_type, primary[0]),
        enforcement_2024=ENFORCEMENT_2024 if plan_type not in _NON_COMMERCIAL else _NOT_2024,
        nqtl_rule=for_plan(_NQTL_RULE, plan_type).replace(
            ", the 2013 rule)" if plan_type in _NON_COMMERCIAL else "\0", ")"
        ),
        has_nqtl=any(f[SOURCE] != "quantitative_test" for f in findings),
        identifiers=_identifiers(context.facts),
        relief=_relief(context.facts, findings, plan_type),
    )


def write_complaint_letter(
    context: ComplaintContext, out_dir: str | os.PathLike[str]
) -> tuple[Path, Path]:
    """Write ``complaint_letter.md`` and ``complaint_letter.docx`` into ``out_dir``, atomically.

    Both files are rendered before either is kept: if anything fails, neither file (nor a
    temporary file) is left in ``out_dir``.

    Parameters
    ----------
    context : ComplaintContext
        What the letter says.
    out_dir : path-like
        The folder (created if missing).

    Returns
    -------
    tuple of pathlib.Path
        The Markdown and the DOCX paths.

    Examples
    --------
    >>> import datetime as dt, tempfile
    >>> import pandas as pd
    >>> from paritykit.analysis.jurisdiction import regulators_for
    >>> from paritykit.load.plan_facts import read_plan_facts
    >>> facts = read_plan_facts({"plan_name": "Acme", "plan_type": "individual",
    ...                          "state": "TX", "plan_year": 2026})
    >>> empty = pd.DataFrame(columns=["exhibit", "source", "severity", "finding", "citation"])
    >>> exhibits = pd.DataFrame(columns=["exhibit", "title", "sheet"])
    >>> context = ComplaintContext(facts, regulators_for(facts), empty, exhibits, (),
    ...                            "0.1.0", dt.date(2026, 3, 2), True)
    >>> md, docx = write_complaint_letter(context, tempfile.mkdtemp())
    >>> md.name, docx.name
    ('complaint_letter.md', 'complaint_letter.docx')
    """
    out = Path(out_dir)
    text = render_complaint_letter(context)
    md_path = out / f"{LETTER_STEM}.md"
    docx_path = out / f"{LETTER_STEM}.docx"
    title = f"Mental health parity complaint: {context.facts.plan_name}"
    markdown_to_docx(text, docx_path, title=title, keep_together_from="Sincerely,")
    try:
        atomic_write_text(md_path, text)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            docx_path.unlink()
        raise
    return md_path, docx_path


# --- helpers ---------------------------------------------------------------------------------


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("paritykit", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_markdown_safe,
    )
    env.filters["sentence"] = _sentence
    return env


def _sentence(value: Any) -> str:
    """End a value with a full stop unless it already ends a sentence ("Acme, Inc.")."""
    text = str(value).rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _markdown_safe(value: Any) -> Any:
    """Escape Markdown markers in values (not in the template's own text)."""
    if isinstance(value, str):
        from paritykit.safety import escape_markdown

        return escape_markdown(value)
    return value


def _us_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _text(value: Any) -> str:
    """A cell as stripped text; missing values (None, NaN, NA) as the empty string."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def _records(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[dict[str, str]]:
    return [{c: _text(rec.get(c)) for c in columns} for rec in frame.to_dict("records")]


def _ordered_findings(findings: pd.DataFrame) -> list[dict[str, str]]:
    """Findings as records, most serious first (then quantitative test first, then as given)."""
    columns = (*FINDING_REQUIRED, C.RULE_BASIS, C.DISCLOSURE_REQUEST)
    records = _records(findings, columns)
    rank = {s: n for n, s in enumerate(SEVERITY_ORDER)}
    source_rank = {s: n for n, s in enumerate(FINDING_SOURCES)}
    order = sorted(
        range(len(records)),
        key=lambda i: (
            rank.get(records[i][C.SEVERITY], len(rank)),
            source_rank[records[i][SOURCE]],
            i,
        ),
    )
    return [records[i] for i in order]


def _requests(findings: list[dict[str, str]], plan_type: str) -> list[DisclosureItem]:
    """The standard requests for the plan type, then the findings' own requests, each once.

    A finding request whose text another one extends (the same analysis asked for with more
    data) is merged into the longer one; the quantitative test's projected-payment request is
    the standard ``payments`` item.
    """
    payments = (
        any(f[SOURCE] == "quantitative_test" and f[C.SEVERITY] == "noncompliant" for f in findings)
        or not findings
    )
    standard = disclosure_items(plan_type, audience="regulator", payments=payments)
    merged: dict[str, list[str]] = {}
    for f in findings:
        text = f[C.DISCLOSURE_REQUEST].strip()
        if not text or f[SOURCE] == "quantitative_test":
            continue
        exhibits = merged.setdefault(text.rstrip("."), [])
        if f[EXHIBIT] not in exhibits:
            exhibits.append(f[EXHIBIT])
    texts = list(merged)
    for text in texts:
        longer = [t for t in texts if t != text and t.startswith(text) and t in merged]
        if longer and text in merged:
            for exhibit in merged.pop(text):
                if exhibit not in merged[longer[0]]:
                    merged[longer[0]].append(exhibit)
    extra = [
        finding_request(text, plan_type, ", ".join(exhibits)) for text, exhibits in merged.items()
    ]
    return [*standard, *extra]


_P_VALUE: Final = re.compile(
    r"(?:[;,]\s*)?(?:adjusted |CMH |Breslow-Day |Fisher )?p(?:-value)?\s*(?:<|=|>|≤)\s*"
    r"[0-9][0-9.eE+-]*"
)
_SENTENCE_END: Final = re.compile(r"(?:(?<=[.?!])|(?<=[.?!]\)))\s+(?=[A-Z(\[])")
_NON_COMMERCIAL: Final = ("medicaid_managed_care", "chip")
_NOT_2024: Final = (
    "The 2024 amendments to the parity rules for private and individual coverage (89 FR 77586) "
    "do not apply to this plan; the findings rest on the Medicaid or CHIP parity rules cited."
)
_NQTL_RULE: Final = (
    "An NQTL may be applied to MH/SUD benefits only if the processes, strategies, evidentiary "
    "standards and other factors used to apply it are comparable to, and applied no more "
    "stringently than, those used for M/S benefits in the same classification, as written and in "
    f"operation ({cite('nqtl')}, the 2013 rule)."
)


def _without_p_values(text: str) -> str:
    """Drop p-values (they stay in the exhibits) and the empty brackets they leave."""
    out = _P_VALUE.sub("", text)
    out = re.sub(r"\(\s*\)", "", out)
    out = re.sub(r"\(\s*[;,]\s*", "(", out)
    return re.sub(r"\s+([,.;)])", r"\1", out).replace("  ", " ")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _letter_findings(
    findings: list[dict[str, str]], plan_type: str
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Findings as the letter prints them, and the sentences several of them share.

    Citations are rewritten for the plan type, p-values dropped, and a sentence that appears
    in more than one finding is taken out of each and returned once (with the findings it
    belongs to), so that no paragraph of the letter repeats another. The NQTL rule sentence
    of the analysis layer is stated once in the letter's law section instead.
    """
    from paritykit.analysis.nqtl import CITATIONS as NQTL_CITATIONS
    from paritykit.analysis.nqtl import RULE_SENTENCE

    rule = RULE_SENTENCE.format(cite=NQTL_CITATIONS["nqtl"])
    non_commercial = plan_type in ("medicaid_managed_care", "chip")
    split: list[list[str]] = []
    for f in findings:
        parts = [p for p in _sentences(_without_p_values(f[C.FINDING])) if p != rule]
        if non_commercial:  # the 2024 MHPAEA amendments do not reach Medicaid or CHIP
            parts = [p for p in parts if "2024 rule" not in p]
        split.append([for_plan(p, plan_type) for p in parts])
    counts: dict[str, list[int]] = {}
    for number, parts in enumerate(split, start=1):
        for part in dict.fromkeys(parts):
            counts.setdefault(part, []).append(number)
    shared = {text: numbers for text, numbers in counts.items() if len(numbers) > 1}
    out = []
    for f, parts in zip(findings, split, strict=True):
        kept = [p for p in parts if p not in shared] or parts[:1]
        citation = "; ".join(
            dict.fromkeys(
                part.strip()
                for part in for_plan(f[C.CITATION], plan_type).split(";")
                if part.strip(" ,")
            )
        )
        text = " ".join(kept)
        raw = for_plan(f[C.CITATION], plan_type).strip(" ;,")
        if citation:  # said once, after the finding
            text = text.replace(f" ({raw})", "").replace(f" ({citation})", "")
        out.append({**f, C.FINDING: text, C.CITATION: citation})
    notes = [
        {"label": _numbers_label(numbers), "text": text}
        for text, numbers in shared.items()
        if not any(text == " ".join(o[C.FINDING].split()) for o in out)
    ]
    return out, notes


def _headline(findings: list[dict[str, str]]) -> list[str]:
    """The first paragraph's findings when the caller gave none: the most serious two."""
    lines = []
    for f in findings[:2]:
        first = _sentences(f[C.FINDING])[:1]
        if first:
            text = re.sub(r"\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*\.?$", "", first[0]).rstrip(".")
            lines.append(re.split(r", which ", text)[0])
    return lines


def _law(plan_type: str, primary: Regulator) -> dict[str, str]:
    """The statute and regulation sentence for the plan type, from the checked table."""
    words = {
        "erisa_self_funded": (
            f"section 712 of ERISA ({cite('erisa_712')}) and its regulation, {cite('reg_712')}"
        ),
        "erisa_insured": (
            f"section 712 of ERISA ({cite('erisa_712')}), which binds the plan, and section 2726 "
            f"of the Public Health Service Act ({cite('phsa_2726')}), which binds the insurer, "
            f"with their regulations, {cite('reg_712')} and {cite('reg_146')}"
        ),
        "individual": (
            f"section 2726 of the Public Health Service Act ({cite('phsa_2726')}) and its "
            f"regulation, {cite('reg_146')}, applied to individual coverage by "
            f"{cite('individual_market')}"
        ),
        "non_federal_governmental": (
            f"section 2726 of the Public Health Service Act ({cite('phsa_2726')}) and its "
            f"regulation, {cite('reg_146')}"
        ),
        "medicaid_managed_care": (
            f"the Medicaid managed care parity rules, {cite('medicaid_k')}, which apply "
            "parity requirements to Medicaid managed care organizations and the state's "
            "contracts with them"
        ),
        "chip": (
            f"the CHIP parity rule, {cite('chip_parity')}, which applies parity requirements "
            "to the state's CHIP plan and the managed care entities that contract with it"
        ),
    }[plan_type]
    state_law = ""
    if primary.parity_law and plan_type not in ("erisa_self_funded",):
        state_law = primary.parity_law
    return {"statute": words, "state_law": state_law}


def _identifiers(facts: PlanFacts) -> list[tuple[str, str]]:
    """The identifier block, with placeholders where a fact is not given."""
    erisa = facts.plan_type in ("erisa_insured", "erisa_self_funded")
    medicaid = facts.plan_type in ("medicaid_managed_care", "chip")
    rows = [
        ("Plan name", facts.plan_name),
        ("Plan year", str(facts.plan_year)),
        ("State", facts.state_name),
        ("Member ID", facts.member_id or "[member ID, from the ID card]"),
    ]
    if not medicaid:
        rows.append(("Group number", facts.group_number or "[group number, from the ID card]"))
        rows.append(
            ("Policy number", facts.policy_number or "[policy number, if the plan is insured]")
        )
    if facts.plan_type != "individual" and not medicaid:
        rows.append(("Plan sponsor", facts.sponsor or "[employer or plan sponsor]"))
    if erisa:
        rows.append(("Sponsor's EIN", facts.sponsor_ein or "[EIN, from the SPD or Form 5500]"))
        rows.append(("Plan number", facts.plan_number or "[three-digit plan number, from the SPD]"))
    label = (
        "Managed care organization" if medicaid else "Insurer (legal name) or claims administrator"
    )
    rows.append((label, facts.administrator or "[legal name, from the ID card or the policy]"))
    rows.append(
        (
            "Claims (numbers and dates)",
            facts.claim_numbers or "[claim numbers and dates of service, from the denial notices]",
        )
    )
    return rows


def _relief(facts: PlanFacts, findings: list[dict[str, str]], plan_type: str) -> list[str]:
    """What the letter asks the regulator to do, in order."""
    claims = facts.claim_numbers or "[claim numbers]"
    statute = (
        f"{cite('erisa_analysis')}"
        if plan_type in ("erisa_insured", "erisa_self_funded")
        else f"{cite('phsa_analysis')}"
        if plan_type in ("individual", "non_federal_governmental")
        else cite("medicaid_k")
        if plan_type == "medicaid_managed_care"
        else cite("chip_parity")
    )
    return [
        "Investigate whether the plan complies with the parity requirements in the "
        "classifications named in the findings.",
        f"Obtain the plan's comparative analyses of the limitations named in the findings "
        f"({statute}) and the documents listed in section 4.",
        "Require the plan to correct any financial requirement or treatment limitation that does "
        "not comply.",
        f"Require the plan to reprocess the affected claims, including claims {claims}, and "
        "to refund the cost sharing charged above what the parity rules allow.",
        "Reply to me in writing with what you found and what the plan must do.",
    ]


def _rule_bases(findings: list[dict[str, str]]) -> list[dict[str, str]]:
    """Group finding numbers (1-based, in letter order) by the rule each rests on.

    A finding without ``rule_basis`` is grouped by its source (the template supplies the
    default basis for that source).
    """
    groups: dict[tuple[str, str], list[int]] = {}
    for number, f in enumerate(findings, start=1):
        key = (f[C.RULE_BASIS].rstrip("."), "" if f[C.RULE_BASIS] else f[SOURCE])
        groups.setdefault(key, []).append(number)
    return [
        {"label": _numbers_label(numbers), "basis": basis, "source": source}
        for (basis, source), numbers in groups.items()
    ]


def _numbers_label(numbers: list[int]) -> str:
    """``[1]`` -> ``"Finding 1"``; ``[1, 2, 3, 5]`` -> ``"Findings 1 to 3 and 5"``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = []
    for r in runs:
        if len(r) > 2:
            parts.append(f"{r[0]} to {r[-1]}")
        else:
            parts.extend(str(n) for n in r)
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return ("Finding " if len(numbers) == 1 else "Findings ") + text


def _check(context: ComplaintContext) -> None:
    """Refuse a context the letter cannot state truthfully; list every problem at once."""
    if context.facts.plan_type not in PLAN_TYPES:
        raise ConfigurationError(
            f"unknown plan type {context.facts.plan_type!r}"
            f"{did_you_mean(context.facts.plan_type, PLAN_TYPES)}; expected one of "
            + ", ".join(PLAN_TYPES)
        )
    if context.facts.plan_type in NO_COMPLAINT_LETTER:
        raise ConfigurationError(NO_COMPLAINT_LETTER[context.facts.plan_type])
    if not any(r.role == "primary" for r in context.regulators):
        raise ConfigurationError(
            f"no regulator with role 'primary' among {len(context.regulators)} given; pass "
            "paritykit.analysis.jurisdiction.regulators_for(facts)"
        )
    log = ProblemLog("<findings>", "complaint letter findings")
    for frame, required, name in (
        (context.findings, FINDING_REQUIRED, "findings"),
        (context.exhibits, EXHIBIT_REQUIRED, "exhibits"),
    ):
        for column in required:
            if column not in frame.columns and len(frame):  # no rows: nothing to read
                log.add(
                    f"the {name} table has no column '{column}'"
                    f"{did_you_mean(column, map(str, frame.columns))}",
                    column=column,
                    expected="columns " + ", ".join(required),
                )
    log.raise_if_any()
    known_exhibits = {_text(e) for e in context.exhibits.get(EXHIBIT, ())}
    for row, rec in enumerate(_records(context.findings, FINDING_REQUIRED), start=1):
        for column in FINDING_REQUIRED:
            if not rec[column]:
                log.add("missing value", row=row, column=column, expected="a non-empty value")
        source = rec[SOURCE]
        if source and source not in FINDING_SOURCES:
            log.add(
                f"unknown source{did_you_mean(source, FINDING_SOURCES)}",
                row=row,
                column=SOURCE,
                value=source,
                expected="one of " + ", ".join(FINDING_SOURCES),
            )
        if rec[EXHIBIT] and rec[EXHIBIT] not in known_exhibits:
            log.add(
                "the finding points to an exhibit the exhibits table does not list",
                row=row,
                column=EXHIBIT,
                value=rec[EXHIBIT],
                expected="one of " + (", ".join(sorted(known_exhibits)) or "(no exhibits)"),
            )
        if source != "quantitative_test" and _VIOLATION_CLAIM.search(rec[C.FINDING]):
            log.add(
                "a warning sign is worded as a proven violation",
                row=row,
                column=C.FINDING,
                value=rec[C.FINDING],
                expected="outcome and NQTL findings phrased as evidence that calls for the "
                "plan's comparative analysis",
            )
    log.raise_if_any()

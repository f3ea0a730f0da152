"""The complaint letter: Markdown from a Jinja2 template (package data), then DOCX.

The letter goes to the regulator for the plan type (PARITY.md section 7), states the
jurisdiction facts, lists the findings most serious first with their exhibits and regulation
sections, asks for the documents that follow from them, and says what it asks the regulator to
do. Its words live in ``paritykit/templates/complaint_letter.md.j2``; this module only checks
and arranges the values. Facts the user has not given appear as ``[bracketed placeholders]``.

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
from paritykit.errors import ConfigurationError
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
    primary = [r for r in context.regulators if r.role == "primary"]
    findings = _ordered_findings(context.findings)
    return render_template(
        COMPLAINT_TEMPLATE,
        facts=context.facts,
        date=_us_date(context.prepared_on),
        primary=primary[0],
        copies=[r for r in context.regulators if r.role != "primary"],
        findings=findings,
        requests=_requests(findings),
        bases=_rule_bases(findings),
        exhibits=_records(context.exhibits, EXHIBIT_REQUIRED),
        rule_versions=list(context.rule_versions),
        paritykit_version=context.paritykit_version,
        suppressed=context.suppressed,
        workbook_name=context.workbook_name,
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
    markdown_to_docx(text, docx_path, title=title)
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


def _requests(findings: list[dict[str, str]]) -> list[dict[str, str]]:
    """Per-finding disclosure requests, each once, with every exhibit that led to it."""
    merged: dict[str, list[str]] = {}
    for f in findings:
        text = f[C.DISCLOSURE_REQUEST]
        if text:
            exhibits = merged.setdefault(text.rstrip("."), [])
            if f[EXHIBIT] not in exhibits:
                exhibits.append(f[EXHIBIT])
    return [{"text": text, "exhibit": ", ".join(ex)} for text, ex in merged.items()]


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
    parts = [
        str(r[0]) if len(r) == 1 else f"{r[0]} and {r[1]}" if len(r) == 2 else f"{r[0]} to {r[-1]}"
        for r in runs
    ]
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

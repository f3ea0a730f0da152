"""The report document: the pack's first exhibit, as a printable PDF and an HTML twin.

Page 1 is the headline a reader takes in at a glance: the plan, the period and data covered,
each finding in one plain sentence with its numbers, and what to do next. One section per
finding follows (its chart and a short table), then method, caveats, data excluded and
provenance. Every page carries its number and a footer naming the plan and the date.

The document is laid out in HTML and CSS (a Jinja2 template with autoescaping, package data under
``paritykit/templates/report``) and printed to PDF by WeasyPrint. Like the other evidence writers
it computes nothing: :func:`report_content` only selects and words values the pipeline already
computed and suppressed (the same result objects and sheet tables as the workbook), and
:func:`write_report_document` renders them.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from paritykit import columns as C
from paritykit import vocab
from paritykit._atomic import atomic_path, atomic_write_text
from paritykit._version import __version__
from paritykit.analysis.nqtl import RULE_SENTENCE as NQTL_RULE_SENTENCE
from paritykit.analysis.quantitative import format_level

__all__ = [
    "REPORT_STEM",
    "ReportContent",
    "ReportFinding",
    "ReportGroup",
    "ReportTable",
    "classification_label",
    "level_text",
    "render_report_html",
    "report_content",
    "write_report_document",
]

#: File name of the report without suffix; ``.pdf`` and ``.html`` are written.
REPORT_STEM: Final = "report"
#: The template folder (package data under ``paritykit/templates``).
TEMPLATE_DIR: Final = "templates/report"

#: Machine names that reach the method and excluded-data tables, as a reader says them.
_TERMS: Final[dict[str, str]] = {
    "pearson_chi_square": "Pearson chi-square test",
    "fisher_exact": "Fisher's exact test",
    "fdr_bh": "Benjamini-Hochberg false discovery rate",
    "fdr_by": "Benjamini-Yekutieli false discovery rate",
    "holm": "Holm",
    "hochberg": "Hochberg",
    "bonferroni": "Bonferroni",
    "plan x classification": "plan and classification",
}
#: How many headline items of each kind page 1 holds at most. When the headline does not fit
#: on page 1, items are dropped one at a time (NQTLs first, then claims, then QTL findings,
#: never below one each); the sections hold every finding.
HEADLINE_LIMITS: Final[dict[str, int]] = {"qtl": 4, "claims": 3, "nqtl": 5}
#: The anchor that ends the headline; it must land on page 1.
HEADLINE_END: Final = "headline-end"


def classification_label(value: object) -> str:
    """Return a classification as a reader says it ("Outpatient, in network").

    Examples
    --------
    >>> classification_label("outpatient_in_network"), classification_label("emergency")
    ('Outpatient, in network', 'Emergency care')
    """
    return vocab.label_for(value)


def _in_sentence(code: object) -> str:
    """A coded value as words inside a sentence: its label, first letter in lower case.

    Labels that start with an abbreviation (MH/SUD, M/S, ERISA, CHIP) keep it.

    Examples
    --------
    >>> _in_sentence("out_of_pocket_max"), _in_sentence("office_visits"), _in_sentence("mhsud")
    ('out-of-pocket maximum', 'office visits', 'MH/SUD')
    """
    text = vocab.label_for(code)
    first = text.split(" ", 1)[0]
    if sum(ch.isupper() for ch in first) > 1:
        return text
    return text[:1].lower() + text[1:]


def _where(classification: object, sub: object = None) -> str:
    place = classification_label(classification)
    if isinstance(sub, str) and sub:
        place += f", {_in_sentence(sub)}"
    return place


def _unit_label(value: object) -> str:
    return f"{_in_sentence(value)} coverage"


def _words(value: object) -> str:
    """A code as words: underscores to spaces (input text passes unchanged otherwise)."""
    return str(value).replace("_", " ").strip()


def level_text(requirement: str, level: float) -> str:
    """Return a QTL level with its unit ("$20 copay", "20% coinsurance", "30 visits").

    Examples
    --------
    >>> level_text("copay", 20.0), level_text("coinsurance", 20.0), level_text("visit_limit", 30)
    ('$20 copay', '20% coinsurance', '30 visits')
    >>> level_text("day_limit", float("nan")), level_text("copay", 0.0)
    ('no day limit', 'no copay')
    """
    label = _in_sentence(requirement)
    if level is None or pd.isna(level) or (requirement not in vocab.TREATMENT_LIMITS and not level):
        return f"no {label}"
    value = float(level)
    if requirement == "coinsurance":
        return f"{value:g}% coinsurance"
    if requirement in vocab.TREATMENT_LIMITS:
        unit = "day" if requirement == "day_limit" else "visit"
        return f"{value:g} {unit}{'' if value == 1 else 's'}"
    money = f"${value:,.0f}" if value.is_integer() else f"${value:,.2f}"
    return f"{money} {label}"


def _percent(value: object, digits: int = 1) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    return f"{100 * float(value):.{digits}f}%"


def _ratio(value: object) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{float(value):.2f}"


def _p_text(value: object) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    p = float(value)
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _money(value: object) -> str:
    return "n/a" if value is None or pd.isna(value) else f"${float(value):,.0f}"


def _count(value: object) -> str:
    return f"{int(value):,}"


def _date(value: dt.date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


_LONG_DECIMAL = re.compile(r"(?<![\w.])(\d+\.\d{5,})(\s*days?\b)?")
_EXP_P = re.compile(r"\bp = (\d(?:\.\d+)?e-\d+)")


def tidy_text(text: str) -> str:
    """Round long decimals and exponent p-values in a sentence written by an analysis.

    Days keep one decimal, other numbers two; a p-value in exponent form becomes "p < 0.001".

    Examples
    --------
    >>> tidy_text("decided in 7.25964912280702 days, ratio 1.16951785 (adjusted p = 1.7e-54)")
    'decided in 7.3 days, ratio 1.17 (adjusted p < 0.001)'
    """

    def number(match: re.Match[str]) -> str:
        value, days = float(match.group(1)), match.group(2)
        return f"{value:.1f}{days}" if days else f"{value:.2f}"

    text = _EXP_P.sub(
        lambda m: "p < 0.001" if float(m.group(1)) < 0.001 else f"p = {m.group(1)}", text
    )
    return _LONG_DECIMAL.sub(number, text)


def _first_sentence(text: str) -> str:
    """The first sentence of a finding (a period followed by a space and a capital)."""
    match = re.search(r"(?<=[a-z0-9)%])\.\s+(?=[A-Z])", text)
    return text if match is None else text[: match.start() + 1]


def _first_clause(text: str) -> str:
    """The text up to its first semicolon outside parentheses, closed with a period."""
    depth = 0
    for i, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if char == ";" and depth == 0:
            return text[:i].rstrip() + "."
    return text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _human_terms(text: str) -> str:
    for code, words in _TERMS.items():
        text = text.replace(code, words)
    return text


@dataclass(frozen=True)
class ReportTable:
    """A short readable table: a caption, column headers and rows of display text.

    Attributes
    ----------
    header : tuple of str
        Column headers.
    rows : tuple of tuple of str
        Cell text, already worded (no computation happens in the template).
    caption : str
        A line above the table.
    numeric : tuple of bool
        Per column: right-align (numbers).
    emphasis : tuple of bool
        Per row: highlight (a failing determination, a flagged cell).
    mono : tuple of bool
        Per column: set in a fixed-width font (hashes).
    lines : tuple of bool
        Per column: the cell text holds line breaks to keep (a rate above its counts).
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    numeric: tuple[bool, ...] = ()
    emphasis: tuple[bool, ...] = ()
    mono: tuple[bool, ...] = ()
    lines: tuple[bool, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """Return the table as a DataFrame of its display text."""
        return pd.DataFrame(list(self.rows), columns=list(self.header))

    def cells(self) -> list[list[tuple[str, str]]]:
        """Rows of (text, css class) pairs for the template."""
        out = []
        for row in self.rows:
            cells = []
            for i, text in enumerate(row):
                classes = []
                if i < len(self.numeric) and self.numeric[i]:
                    classes.append("num")
                if i < len(self.mono) and self.mono[i]:
                    classes.append("mono")
                if i < len(self.lines) and self.lines[i]:
                    classes.append("lines")
                cells.append((text, " ".join(classes)))
            out.append(cells)
        return out


@dataclass(frozen=True)
class ReportChart:
    """A chart the pack drew, embedded in the document."""

    path: Path
    caption: str

    def data_uri(self) -> str:
        """The image as a ``data:`` URI, so the HTML twin stands alone."""
        mime = "image/svg+xml" if self.path.suffix.lower() == ".svg" else "image/png"
        return f"data:{mime};base64," + base64.b64encode(self.path.read_bytes()).decode("ascii")


@dataclass(frozen=True)
class ReportFinding:
    """One finding: a plain headline sentence, and what the section says about it.

    Attributes
    ----------
    kind : str
        ``"qtl"``, ``"claims"`` or ``"nqtl"``.
    severity : str
        Reader's label ("Fails the quantitative test", "Warning sign", ...).
    title : str
        Where the finding is (classification and requirement, or NQTL).
    headline : str
        One plain sentence with its numbers (page 1).
    detail : str
        The analysis's full sentence, with its citation.
    request : str
        What to ask the plan for (may be empty).
    citation : str
        The regulation section.
    charts : tuple of ReportChart
        Charts for this finding.
    tables : tuple of ReportTable
        Tables for this finding.
    """

    kind: str
    severity: str
    title: str
    headline: str
    detail: str = ""
    request: str = ""
    citation: str = ""
    charts: tuple[ReportChart, ...] = ()
    tables: tuple[ReportTable, ...] = ()


@dataclass(frozen=True)
class ReportContent:
    """Everything the report shows, worded and suppressed: the template only lays it out.

    Built by :func:`report_content`; rendered by :func:`write_report_document`.
    """

    plan_name: str
    plan_description: str
    prepared_on: dt.date
    covered: tuple[tuple[str, str], ...]
    qtl_findings: tuple[ReportFinding, ...]
    claims_findings: tuple[ReportFinding, ...]
    nqtl_findings: tuple[ReportFinding, ...]
    next_steps: tuple[str, ...]
    nqtl_groups: tuple[ReportGroup, ...] = ()
    qtl_intro: tuple[str, ...] = ()
    qtl_tables: tuple[ReportTable, ...] = ()
    qtl_notes: tuple[str, ...] = ()
    claims_intro: tuple[str, ...] = ()
    claims_charts: tuple[ReportChart, ...] = ()
    claims_tables: tuple[ReportTable, ...] = ()
    claims_notes: tuple[str, ...] = ()
    nqtl_intro: tuple[str, ...] = ()
    method: ReportTable | None = None
    caveats: tuple[str, ...] = ()
    excluded: ReportTable | None = None
    excluded_notes: tuple[str, ...] = ()
    provenance: tuple[ReportTable, ...] = ()
    has_claims: bool = False
    has_nqtls: bool = False
    period_note: str = ""
    context_tables: tuple[ReportTable, ...] = ()
    suppressed: bool = True
    version: str = __version__
    limits: Mapping[str, int] = field(default_factory=lambda: dict(HEADLINE_LIMITS))

    @property
    def prepared_text(self) -> str:
        """The preparation date as the footer prints it."""
        return _date(self.prepared_on)

    def _group(self, kind: str) -> tuple[Any, ...]:
        return {"qtl": self.qtl_findings, "claims": self.claims_findings}.get(
            kind, self.nqtl_groups
        )

    def headline(self, kind: str) -> tuple[Any, ...]:
        """What page 1 lists for one kind: findings (QTL, claims) or NQTL groups."""
        return self._group(kind)[: self.limits[kind]]

    def hidden(self, kind: str) -> int:
        """How many findings (or NQTL groups) of one kind page 1 leaves to the sections."""
        return max(0, len(self._group(kind)) - self.limits[kind])

    def to_frame(self) -> pd.DataFrame:
        """Return the findings in report order: kind, severity, title, headline."""
        rows = [
            {"kind": f.kind, "severity": f.severity, "title": f.title, "headline": f.headline}
            for f in (*self.qtl_findings, *self.claims_findings, *self.nqtl_findings)
        ]
        return pd.DataFrame(rows, columns=["kind", "severity", "title", "headline"])


# ---------------------------------------------------------------------------------------------
# Content: select and word what the pipeline computed.


def report_content(
    *,
    facts: Any,
    qtl: Any,
    findings: pd.DataFrame,
    sheets: Sequence[Any],
    charts: Sequence[Path],
    rates: pd.DataFrame | None,
    analysis: Mapping[str, Any] | None,
    suppress: bool,
    prepared_on: dt.date,
    regulators: Sequence[Any] = (),
    coverage: Any = None,
    context: pd.DataFrame | None = None,
) -> ReportContent:
    """Word the pack's results for the report: headline sentences, sections, tables.

    Parameters
    ----------
    facts : PlanFacts
        The plan the pack is about (its ``plan_id`` selects the rows shown).
    qtl : QuantitativeTestResult
        The quantitative test.
    findings : pandas.DataFrame
        The pack's findings (the workbook's Summary), texts already suppressed.
    sheets : sequence of SheetSpec
        The workbook's sheets; the NQTL findings, data excluded, method and provenance tables
        are taken from them as the workbook shows them.
    charts : sequence of pathlib.Path
        The chart files the pack drew (PNG files are embedded).
    rates : pandas.DataFrame or None
        The per-cell denial-rate comparison, suppressed as shown in the workbook.
    analysis : mapping or None
        The claims analysis (validation, stratified test, service period), None without claims.
    suppress : bool
        Whether small-cell suppression is on.
    prepared_on : datetime.date
        The date the footer names.
    regulators : sequence of Regulator
        Who receives the complaint, the one to address first.
    coverage : DataCoverage, optional
        The plan, the benefits' plan year, the claims' period, lines and members (page 1);
        a mismatch between the years is said plainly there.
    context : pandas.DataFrame, optional
        Other plans' denial rates, suppressed (``compare_plans``): a labelled context table.

    Returns
    -------
    ReportContent
    """
    by_name = {sheet.name: sheet for sheet in sheets}
    pngs = {p.stem: p for p in charts if p.suffix.lower() == ".png"}
    plan_id = facts.plan_id
    qtl_findings, qtl_tables, qtl_notes = _qtl_part(qtl, plan_id, pngs)
    claims_findings: list[ReportFinding] = []
    claims_charts: list[ReportChart] = []
    claims_tables: list[ReportTable] = []
    claims_notes: list[str] = []
    covered: list[tuple[str, str]] = [("Plan year (benefit design)", str(facts.plan_year))]
    if analysis is not None:
        claims_findings, claims_charts, claims_tables, claims_notes = _claims_part(
            findings, rates, plan_id, pngs
        )
        covered.append(
            ("Claims", _upper_first(coverage.claims_text))
            if coverage is not None
            else _claims_covered(analysis)
        )
    nqtl_sheet = by_name.get("NQTL review")
    nqtl_findings, nqtl_groups = (
        _nqtl_part(nqtl_sheet, plan_id) if nqtl_sheet is not None else ([], [])
    )
    if nqtl_sheet is not None:
        covered.append(("NQTL inventory", "reviewed: the plan's limitations as written"))
    covered.append(("Plan covered", _plans_covered(qtl, plan_id, coverage)))
    return ReportContent(
        plan_name=str(facts.plan_name),
        plan_description=_plan_description(facts),
        prepared_on=prepared_on,
        covered=tuple(covered),
        qtl_findings=tuple(qtl_findings),
        claims_findings=tuple(claims_findings),
        nqtl_findings=tuple(nqtl_findings),
        nqtl_groups=tuple(nqtl_groups),
        next_steps=_next_steps(qtl_findings, claims_findings, nqtl_findings, regulators),
        qtl_intro=(
            "The quantitative test compares each financial requirement and treatment limit on "
            "mental health and substance use disorder (MH/SUD) benefits with the same type on "
            "medical/surgical (M/S) benefits in the same classification. A type may apply to "
            "MH/SUD benefits only if it applies to at least two-thirds of the M/S benefits "
            "(measured by the plan's projected payments), and then at no more restrictive a "
            "level than the predominant M/S level: the level that applies to more than half of "
            "those payments (29 CFR 2590.712(c)(3)).",
        ),
        qtl_tables=tuple(qtl_tables),
        qtl_notes=tuple(qtl_notes),
        claims_intro=_claims_intro(analysis, suppress) if analysis is not None else (),
        claims_charts=tuple(claims_charts),
        claims_tables=tuple(claims_tables),
        claims_notes=tuple(claims_notes),
        nqtl_intro=(
            "Non-quantitative treatment limitations are rules such as prior authorization, "
            "concurrent review, network admission and reimbursement. "
            + NQTL_RULE_SENTENCE.format(cite="29 CFR 2590.712(c)(4)(i)"),
            "Each item below is a warning sign, or a gap in what the plan has documented, that "
            "calls for the plan's comparative analysis, not proof of a violation.",
        )
        if nqtl_sheet is not None
        else (),
        method=_method_table(by_name.get("Method")),
        caveats=_caveats(suppress, analysis is not None),
        excluded=_excluded_table(by_name.get("Excluded data")),
        excluded_notes=tuple(by_name["Excluded data"].notes) if "Excluded data" in by_name else (),
        provenance=_provenance_tables(by_name.get("Provenance")),
        has_claims=analysis is not None,
        has_nqtls=nqtl_sheet is not None,
        suppressed=suppress,
        period_note=coverage.mismatch if coverage is not None else "",
        context_tables=(_context_table(context),) if context is not None and len(context) else (),
    )


def _plan_description(facts: Any) -> str:
    kind = vocab.label_for(facts.plan_type)
    parts = [f"{_upper_first(kind)}, {facts.state_name}"]
    if facts.sponsor:
        parts.append(f"sponsor {facts.sponsor}")
    if facts.administrator:
        parts.append(f"administrator or insurer {facts.administrator}")
    return "; ".join(parts) + "."


def _plans_covered(qtl: Any, plan_id: str | None, coverage: Any = None) -> str:
    plans = sorted({str(p) for p in qtl.to_frame()[C.PLAN_ID]})
    if plan_id is None:
        return f"{len(plans)} plan{'s' if len(plans) != 1 else ''}: " + ", ".join(plans)
    text = f"{plan_id} only: every figure in this report is about this plan"
    others = getattr(coverage, "other_plans", 0)
    if others:
        text += (
            f"; the claims file also holds {others} other plan{'s' if others != 1 else ''}, "
            "left out"
        )
    return text


def _context_table(context: pd.DataFrame) -> ReportTable:
    """Other plans' denial rates, as context (suppressed as the workbook shows them)."""
    table = _rates_table(context, None)
    return dataclasses.replace(
        table,
        caption="Context only, not evidence about this plan: claim lines denied in the other "
        "plans of the claims file (p-values adjusted among those plans).",
    )


def _claims_covered(analysis: Mapping[str, Any]) -> tuple[str, str]:
    validation = analysis["validation"]
    first, last = analysis.get("service_period", (None, None))
    text = f"{_count(validation.total_lines)} claim lines"
    if first is not None and last is not None:
        text += f" with service dates from {_date(first)} to {_date(last)}"
    return ("Claims", text)


def _claims_intro(analysis: Mapping[str, Any], suppress: bool) -> tuple[str, ...]:
    lines = [
        "Denial rates compare the share of MH/SUD and M/S claim lines the plan denied, in each "
        "classification. A flagged cell (adjusted p below 0.05, MH/SUD denied more often) is a "
        "warning sign that calls for the plan's comparative analysis of the limitations behind "
        "the denials, not proof of a violation."
    ]
    if suppress:
        lines.append(
            "Counts from 1 to 10, and anything that would reveal them, are suppressed: such cells "
            "read 'suppressed'."
        )
    return tuple(lines)


# Quantitative test ---------------------------------------------------------------------------

_QTL_KEY: Final = (C.PLAN_ID, C.COVERAGE_UNIT, C.CLASSIFICATION, C.SUB_CLASSIFICATION)


def _key_of(rec: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(
        ""
        if rec.get(k) is None or (not isinstance(rec.get(k), str) and pd.isna(rec.get(k)))
        else str(rec[k])
        for k in (*_QTL_KEY, C.REQUIREMENT_TYPE)
    )


def _level_share_stem(rec: Mapping[str, Any]) -> str:
    """The chart file stem the pack uses for a determination's level-share chart."""
    sub = rec[C.SUB_CLASSIFICATION] if isinstance(rec[C.SUB_CLASSIFICATION], str) else None
    parts = ("level_shares", rec[C.PLAN_ID], rec[C.CLASSIFICATION], sub, rec[C.REQUIREMENT_TYPE])
    return "_".join(str(x) for x in parts if x).lower().replace(" ", "_")


def _carried(requirement: str, level: float) -> str:
    """ "a $30 copay", "a limit of 20 visits"."""
    if requirement in vocab.TREATMENT_LIMITS:
        return f"a limit of {level_text(requirement, level)}"
    return f"a {level_text(requirement, level)}"


def _qtl_headline(kind: str, det: Mapping[str, Any]) -> str:
    requirement = str(det[C.REQUIREMENT_TYPE])
    label = _in_sentence(requirement)
    mh = _carried(requirement, det[C.MHSUD_LEVEL])
    if kind == "predominant_level_exceeded":
        return (
            f"MH/SUD benefits carry {mh}; the predominant M/S {label} is "
            f"{format_level(requirement, det[C.PREDOMINANT_LEVEL])}, so the MH/SUD {label} is "
            "more restrictive and fails the test."
        )
    if kind == "not_substantially_all":
        return (
            f"The {label} applies to only {_percent(det[C.SUBJECT_SHARE])} of M/S payments "
            f"(less than two-thirds), so MH/SUD benefits may not carry one; they carry {mh}."
        )
    if kind == "no_ms_counterpart":
        return f"MH/SUD benefits carry {mh}; no M/S benefit there has any {label}."
    if kind == "mhsud_above_every_ms_level":
        return (
            f"MH/SUD benefits carry {mh}, more restrictive than every M/S {label} listed: it "
            "fails whatever the plan's payments."
        )
    if kind == "depends_on_payments":
        condition = det.get(C.SCREENING_CONDITION)
        return (
            f"MH/SUD benefits carry {mh}; without the plan's projected payments the answer "
            f"turns on them: it {condition}."
            if isinstance(condition, str)
            else f"MH/SUD benefits carry {mh}; the answer turns on the plan's projected payments."
        )
    if kind == "no_ms_benefits":
        return (
            f"MH/SUD benefits carry {mh}, but no M/S benefits with projected payments are "
            f"listed, so the {label} cannot be shown to apply to substantially all of them."
        )
    if kind == "separate_accumulation":
        return (
            f"The MH/SUD {label} accumulates separately from the M/S {label}; a cumulative "
            "requirement may not."
        )
    return ""


def _qtl_part(
    qtl: Any, plan_id: str | None, pngs: Mapping[str, Path]
) -> tuple[list[ReportFinding], list[ReportTable], list[str]]:
    det = qtl.to_frame()
    levels = qtl.levels
    found = qtl.findings
    if plan_id is not None:
        det = det[det[C.PLAN_ID] == plan_id]
        levels = levels[levels[C.PLAN_ID] == plan_id]
        found = found[found[C.PLAN_ID] == plan_id]
    dets = {_key_of(r): r for r in det.to_dict("records")}
    many_plans = det[C.PLAN_ID].nunique() > 1
    many_units = det[C.COVERAGE_UNIT].nunique() > 1
    out: list[ReportFinding] = []
    shown = found[found[C.SEVERITY].isin(["noncompliant", "depends_on_payments"])]
    for rec in shown.to_dict("records"):
        row = dets.get(_key_of(rec))
        if row is None:
            if rec[C.REQUIREMENT_TYPE] in vocab.DOLLAR_LIMITS:
                out.append(_dollar_limit_finding(rec, many_plans))
            continue
        screened = isinstance(row.get(C.SCREENING), str)
        requirement = str(row[C.REQUIREMENT_TYPE])
        title = f"{_where(row[C.CLASSIFICATION], row[C.SUB_CLASSIFICATION])}: " + (
            _in_sentence(requirement)
        )
        if many_plans:
            title = f"{row[C.PLAN_ID]}, {title}"
        if many_units:
            title += f" ({_unit_label(row[C.COVERAGE_UNIT])})"
        chart = pngs.get(_level_share_stem(row))
        out.append(
            ReportFinding(
                kind="qtl",
                severity=vocab.label_for(rec[C.SEVERITY]),
                title=title,
                headline=_qtl_headline(str(rec[C.FINDING_KIND]), row),
                detail=tidy_text(str(rec[C.FINDING])),
                citation=str(rec[C.CITATION]),
                request=(
                    "The plan's projected payments for every M/S benefit in this classification "
                    "for the plan year, the method used to project them, and its comparative "
                    "analysis of the substantially-all and predominant levels."
                    if screened
                    else "The plan's projected-payment data and the method it used to determine "
                    "the substantially-all and predominant levels for this classification."
                ),
                charts=(
                    (
                        ReportChart(
                            chart,
                            "Share of projected M/S payments by level, most restrictive first; "
                            "the triangle marks the MH/SUD level.",
                        ),
                    )
                    if chart is not None
                    else ()
                ),
                tables=() if screened else (_levels_table(levels, row),),
            )
        )
    tables = [_determinations_table(det, many_plans, many_units)] if len(det) else []
    notes = [
        tidy_text(str(r[C.FINDING]))
        for r in found[found[C.SEVERITY] == "review"].to_dict("records")
    ]
    return out, tables, notes


def _dollar_limit_finding(rec: Mapping[str, Any], many_plans: bool) -> ReportFinding:
    """An aggregate lifetime or annual dollar-limit finding (29 CFR 2590.712(b))."""
    text = tidy_text(str(rec[C.FINDING]))
    title = f"All M/S benefits: {_words(str(rec[C.REQUIREMENT_TYPE]))}"
    if many_plans:
        title = f"{rec[C.PLAN_ID]}, {title}"
    return ReportFinding(
        kind="qtl",
        severity=vocab.label_for(rec[C.SEVERITY]),
        title=title,
        headline=text.split(" (29 CFR")[0].rstrip(".") + ".",
        detail=text,
        citation=str(rec[C.CITATION]),
        request="The plan's projected payments for all M/S benefits for the plan year, the "
        "M/S benefits each dollar limit applies to, and how it set the MH/SUD limit.",
    )


def _levels_table(levels: pd.DataFrame, det: Mapping[str, Any]) -> ReportTable:
    key = _key_of(det)
    rows = [r for r in levels.to_dict("records") if _key_of(r) == key]
    requirement = str(det[C.REQUIREMENT_TYPE])
    body: list[tuple[str, ...]] = []
    emphasis: list[bool] = []
    for r in rows:
        if not r["subject"]:
            role = "not subject to the requirement"
            level = level_text(requirement, r[C.LEVEL])
        else:
            level = level_text(requirement, r[C.LEVEL])
            role = (
                "predominant level"
                if r[C.IS_PREDOMINANT]
                else "in the combination"
                if r[C.IN_COMBINATION]
                else ""
            )
        body.append(
            (
                level,
                _money(r[C.LEVEL_PAYMENTS]),
                _percent(r[C.SHARE_OF_TOTAL]),
                _percent(r[C.SHARE_OF_SUBJECT]) if r["subject"] else "",
                _percent(r[C.CUMULATIVE_SHARE]) if r["subject"] else "",
                role,
            )
        )
        emphasis.append(bool(r[C.IS_PREDOMINANT]))
    body.append(
        (f"MH/SUD: {level_text(requirement, det[C.MHSUD_LEVEL])}", "", "", "", "", "MH/SUD level")
    )
    emphasis.append(True)
    return ReportTable(
        header=(
            "M/S level (most restrictive first)",
            "Projected M/S payments",
            "Share of all M/S payments",
            "Share of payments subject",
            "Cumulative share",
            "Role",
        ),
        rows=tuple(body),
        caption="The arithmetic: M/S levels by projected payments.",
        numeric=(False, True, True, True, True, False),
        emphasis=tuple(emphasis),
    )


def _known(value: object) -> bool | None:
    """A nullable boolean cell as True, False or None (not decided)."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    return bool(value)


def _predominant_cell(requirement: str, r: Mapping[str, Any]) -> str:
    if not pd.isna(r[C.PREDOMINANT_LEVEL]):
        return level_text(requirement, r[C.PREDOMINANT_LEVEL])
    holds = _known(r[C.SUBSTANTIALLY_ALL])
    if holds is None:
        return "depends on payments"
    return "n/a" if holds else "none (under two-thirds)"


def _result_cell(r: Mapping[str, Any]) -> str:
    screening = r.get(C.SCREENING)
    verdict = _known(r[C.COMPLIANT])
    if verdict is None:
        return "Depends on payments"
    text = "Passes" if verdict else "Fails"
    return f"{text} whatever the payments" if isinstance(screening, str) else text


def _determinations_table(det: pd.DataFrame, many_plans: bool, many_units: bool) -> ReportTable:
    rows = []
    emphasis = []
    for r in det.to_dict("records"):
        requirement = str(r[C.REQUIREMENT_TYPE])
        place = _where(r[C.CLASSIFICATION], r[C.SUB_CLASSIFICATION])
        if many_units:
            place += f", {_unit_label(r[C.COVERAGE_UNIT])}"
        cells = (
            *((str(r[C.PLAN_ID]),) if many_plans else ()),
            place,
            _in_sentence(requirement),
            _percent(r[C.SUBJECT_SHARE])
            if not isinstance(r.get(C.SCREENING), str)
            else "not given (screening)",
            _predominant_cell(requirement, r),
            level_text(requirement, r[C.MHSUD_LEVEL]),
            _result_cell(r),
        )
        rows.append(cells)
        emphasis.append(_result_cell(r).startswith("Fails"))
    header = (
        *(("Plan",) if many_plans else ()),
        "Classification",
        "Requirement",
        "Share of M/S payments subject",
        "Predominant M/S level",
        "MH/SUD level",
        "Result",
    )
    numeric = (*((False,) if many_plans else ()), False, False, True, False, False, False)
    return ReportTable(
        header=header,
        rows=tuple(rows),
        caption="Every requirement tested for the plan.",
        numeric=numeric,
        emphasis=tuple(emphasis),
    )


# Claims --------------------------------------------------------------------------------------


def _claims_part(
    findings: pd.DataFrame,
    rates: pd.DataFrame | None,
    plan_id: str | None,
    pngs: Mapping[str, Path],
) -> tuple[list[ReportFinding], list[ReportChart], list[ReportTable], list[str]]:
    out: list[ReportFinding] = []
    shown = rates if rates is not None else pd.DataFrame(columns=[C.PLAN_ID])
    if plan_id is not None:
        shown = shown[shown[C.PLAN_ID] == plan_id]
    flagged = shown[shown[C.FLAGGED].fillna(False).astype(bool)] if len(shown) else shown
    # The pack's findings list flagged cells in this order (plans sorted, cells as tested).
    flagged = flagged.sort_values(C.PLAN_ID, kind="stable") if len(flagged) else flagged
    texts = findings[findings["source"] == "denial_rates"][C.FINDING].tolist()
    requests = findings[findings["source"] == "denial_rates"]["disclosure_request"].tolist()
    for i, rec in enumerate(flagged.to_dict("records")):
        where = classification_label(rec[C.CLASSIFICATION])
        if plan_id is None:
            where = f"{rec[C.PLAN_ID]}, {where}"
        if pd.isna(rec[C.MHSUD_RATE]) or pd.isna(rec[C.MS_RATE]) or pd.isna(rec[C.RATE_RATIO]):
            headline = (
                "MH/SUD claims were denied significantly more often than M/S claims (the counts "
                "are suppressed: fewer than 11)."
            )
        else:
            headline = (
                f"The plan denied {_percent(rec[C.MHSUD_RATE])} of MH/SUD claim lines against "
                f"{_percent(rec[C.MS_RATE])} of M/S claim lines: "
                f"{_ratio(rec[C.RATE_RATIO])} times as often (95% CI "
                f"{_ratio(rec[C.RATE_RATIO_LOW])} to {_ratio(rec[C.RATE_RATIO_HIGH])}; adjusted "
                f"p {_p_phrase(rec)})."
            )
        out.append(
            ReportFinding(
                kind="claims",
                severity=vocab.label_for("warning_sign"),
                title=f"{where}: denial rates",
                headline=headline,
                detail=tidy_text(texts[i]) if i < len(texts) else "",
                request=requests[i] if i < len(requests) else "",
                citation="29 CFR 2590.712(c)(4) (NQTLs as written and in operation)",
            )
        )
    strat = findings[findings["source"] == "stratified"]
    for rec in strat.to_dict("records"):
        out.append(
            ReportFinding(
                kind="claims",
                severity=vocab.label_for("warning_sign"),
                title=f"{plan_id}, all classifications pooled: denials"
                if plan_id
                else "All plans pooled: denials",
                headline=tidy_text(_first_clause(_first_sentence(str(rec[C.FINDING])))),
                detail=tidy_text(str(rec[C.FINDING])),
                citation=str(rec[C.CITATION]),
            )
        )
    charts = []
    if "denial_rates_by_classification" in pngs:
        focus = f" for {plan_id}" if plan_id else ""
        charts.append(
            ReportChart(
                pngs["denial_rates_by_classification"],
                f"Denial rates{focus}, MH/SUD and M/S, by classification.",
            )
        )
    if "out_of_network_share" in pngs:
        charts.append(
            ReportChart(
                pngs["out_of_network_share"],
                "Share of claim lines out of network, MH/SUD and M/S, by setting: a sign of how "
                "adequate the network is for each.",
            )
        )
    tables = [_rates_table(shown, plan_id)] if len(shown) else []
    return out, charts, tables, []


def _p_phrase(rec: Mapping[str, Any]) -> str:
    text = _p_text(rec[C.P_ADJUSTED])
    return text if text.startswith("<") else f"= {text}"


def _side(rec: Mapping[str, Any], events: str, trials: str, rate: str) -> str:
    hidden = {s.strip() for s in str(rec.get("suppressed") or "").split(",") if s.strip()}
    if pd.isna(rec[rate]):
        if hidden & {events, trials, rate}:
            return "suppressed"
        return "no claims"
    return f"{_percent(rec[rate])}\n{_count(rec[events])} of {_count(rec[trials])}"


def _rates_table(rates: pd.DataFrame, plan_id: str | None) -> ReportTable:
    order = {c: i for i, c in enumerate(vocab.CLASSIFICATIONS)}
    frame = rates.assign(_o=rates[C.CLASSIFICATION].map(order)).sort_values(
        [C.PLAN_ID, "_o"], kind="stable"
    )
    rows = []
    emphasis = []
    for r in frame.to_dict("records"):
        ratio = (
            "suppressed"
            if pd.isna(r[C.RATE_RATIO])
            else f"{_ratio(r[C.RATE_RATIO])}\n({_ratio(r[C.RATE_RATIO_LOW])}\u2013"
            f"{_ratio(r[C.RATE_RATIO_HIGH])})"
        )
        flagged = bool(r[C.FLAGGED]) if not pd.isna(r[C.FLAGGED]) else False
        rows.append(
            (
                *((str(r[C.PLAN_ID]),) if plan_id is None else ()),
                classification_label(r[C.CLASSIFICATION]),
                _side(r, C.MHSUD_EVENTS, C.MHSUD_TRIALS, C.MHSUD_RATE),
                _side(r, C.MS_EVENTS, C.MS_TRIALS, C.MS_RATE),
                ratio,
                "suppressed" if pd.isna(r[C.P_ADJUSTED]) else _p_text(r[C.P_ADJUSTED]),
                "Yes" if flagged else "No",
            )
        )
        emphasis.append(flagged)
    header = (
        *(("Plan",) if plan_id is None else ()),
        "Classification",
        "MH/SUD denied",
        "M/S denied",
        "Rate ratio (95% CI)",
        "Adjusted p",
        "Flagged",
    )
    lead = (False,) if plan_id is None else ()
    return ReportTable(
        header=header,
        rows=tuple(rows),
        caption="Claim lines denied, by classification"
        + (f", plan {plan_id}" if plan_id else "")
        + ".",
        numeric=(*lead, False, True, True, True, True, False),
        emphasis=tuple(emphasis),
        lines=(*lead, False, True, True, True, False, False),
    )


# NQTLs ---------------------------------------------------------------------------------------


#: Short phrases for NQTL finding kinds (page 1 names each NQTL with its kinds of finding).
_NQTL_PHRASES: Final[dict[str, str]] = {
    "no_ms_counterpart": "applied to MH/SUD benefits but not to M/S benefits",
    "stricter_review_interval": "MH/SUD care reviewed more often",
    "broader_scope": "a broader scope for MH/SUD benefits",
    "factors_differ": "different factors for MH/SUD and M/S",
    "evidentiary_standards_differ": "different evidentiary standards",
    "dol_warning_sign": "wording the Department of Labor lists as a warning sign",
    "outcome_disparity": "a difference in outcomes",
    "factors_missing": "factors not given",
    "evidentiary_standards_missing": "evidentiary standards not given",
    "analysis_not_provided": "no comparative analysis provided",
    "element_missing": "parts of the comparative analysis missing",
    "element_thin": "parts of the comparative analysis too thin to assess",
    "factors_not_defined": "factors not defined",
    "no_operation_data": "no data on how it operates",
    "review_interval_missing": "review interval not given",
}
#: The 2013 rule's test, which every NQTL finding restates; the section states it once.
_RULE_SENTENCE = re.compile(
    re.escape(NQTL_RULE_SENTENCE).replace(re.escape("{cite}"), r"[^\n]+?") + r"\s*"
)
_REVIEW_EVERY = re.compile(r"MH/SUD care is reviewed every ([^,]+?) and M/S care every ([^,]+?),")


def _nqtl_phrase(rec: Mapping[str, Any]) -> str:
    kind = str(rec.get(C.FINDING_KIND) or "")
    text = str(rec[C.FINDING])
    if kind == "stricter_review_interval":
        match = _REVIEW_EVERY.search(text)
        if match:
            return f"MH/SUD care reviewed every {match.group(1)}, M/S care every {match.group(2)}"
    if kind == "outcome_disparity":
        code = str(rec.get(C.MEASURE))
        measure = _in_sentence(code) if code in vocab.LABELS else "outcome"
        mh, ms = rec.get(C.MHSUD_RATE), rec.get(C.MS_RATE)
        if mh is not None and ms is not None and not pd.isna(mh) and not pd.isna(ms):
            if rec.get(C.MEASURE) == C.ALLOWED_PER_UNIT:
                return f"{measure} {_money(mh)} for MH/SUD against {_money(ms)} for M/S"
            return f"MH/SUD {measure} {_percent(mh)} against {_percent(ms)} for M/S"
        return f"a difference in the {measure} (counts suppressed)"
    return _NQTL_PHRASES.get(kind, _words(kind))


@dataclass(frozen=True)
class ReportGroup:
    """The findings about one NQTL in one classification, and what to ask the plan for."""

    title: str
    headline: str
    findings: tuple[ReportFinding, ...]
    requests: tuple[str, ...]


def _distinct_requests(requests: Iterable[str]) -> tuple[str, ...]:
    """Requests once each; one that another request extends is left out."""
    unique = list(dict.fromkeys(r for r in requests if r))
    return tuple(
        r for r in unique if not any(o != r and o.startswith(r.rstrip(". ")) for o in unique)
    )


def _nqtl_part(sheet: Any, plan_id: str | None) -> tuple[list[ReportFinding], list[ReportGroup]]:
    from paritykit.validate.nqtl import NQTL_TYPE_LABELS

    frame = sheet.tables[0].frame
    if plan_id is not None:
        frame = frame[frame[C.PLAN_ID] == plan_id]
    order = {"warning_sign": 0, "insufficient": 1, "review": 2}
    frame = frame.assign(_o=frame[C.SEVERITY].map(order).fillna(9)).sort_values("_o", kind="stable")
    groups: dict[str, list[tuple[ReportFinding, str]]] = {}
    for rec in frame.to_dict("records"):
        nqtl = NQTL_TYPE_LABELS.get(str(rec[C.NQTL_TYPE]), _words(rec[C.NQTL_TYPE]))
        where = _where(rec[C.CLASSIFICATION], rec.get(C.SUB_CLASSIFICATION))
        title = f"{_upper_first(nqtl)} ({where[:1].lower()}{where[1:]})"
        if plan_id is None:
            title = f"{rec[C.PLAN_ID]}: {title}"
        text = tidy_text(_RULE_SENTENCE.sub("", str(rec[C.FINDING])).replace("  ", " "))
        finding = ReportFinding(
            kind="nqtl",
            severity=vocab.label_for(rec[C.SEVERITY]),
            title=title,
            headline=_upper_first(_nqtl_phrase(rec)) + ".",
            detail=text,
            request=str(rec.get(C.DISCLOSURE_REQUEST) or ""),
            citation=str(rec[C.CITATION]),
        )
        groups.setdefault(title, []).append((finding, _nqtl_phrase(rec)))
    findings: list[ReportFinding] = []
    out: list[ReportGroup] = []
    for title, members in groups.items():
        items = tuple(f for f, _ in members)
        phrases = list(dict.fromkeys(p for _, p in members))
        findings.extend(items)
        out.append(
            ReportGroup(
                title=title,
                headline=_upper_first("; ".join(phrases)) + ".",
                findings=items,
                requests=_distinct_requests(f.request for f in items),
            )
        )
    return findings, out


# Next steps, method, caveats, exclusions, provenance -----------------------------------------


def _next_steps(
    qtl: Sequence[ReportFinding],
    claims: Sequence[ReportFinding],
    nqtl: Sequence[ReportFinding],
    regulators: Sequence[Any],
) -> tuple[str, ...]:
    steps = []
    asks = []
    fails = [f for f in qtl if f.severity == vocab.label_for("noncompliant")]
    if len(fails) < len(qtl):
        asks.append(
            "its projected payments for every M/S benefit in the classifications screened "
            "without them, which decide the conditions stated in the findings"
        )
    if fails:
        asks.append("its projected-payment data and how it set the predominant levels")
    if claims or nqtl:
        asks.append(
            "the comparative analysis of its non-quantitative limitations that the 2021 statute "
            "requires it to prepare, with the data on how they operate (see request_letter: "
            "paritykit request)"
        )
    if asks:
        steps.append("Ask the plan in writing for " + "; and ".join(asks) + ".")
    if regulators and (qtl or claims or nqtl):
        first = regulators[0]
        also = [r.name for r in regulators[1:]]
        text = f"File the complaint (complaint_letter.docx in this pack) with the {first.name}"
        if also:
            text += f"; a copy may also go to the {' and the '.join(also)}"
        steps.append(text + ".")
    if fails:
        steps.append(
            "Ask the plan to correct the MH/SUD requirements that fail the test (no more "
            "restrictive than the predominant M/S level, or none where M/S benefits carry none) "
            "and to refund cost sharing paid above what the test allows."
        )
    if not steps:
        steps.append(
            "No finding on the data given: keep this report with the plan's documents, and run "
            "it again when claims or the plan's NQTL details become available."
        )
    return tuple(steps)


def _method_table(sheet: Any) -> ReportTable | None:
    if sheet is None or not sheet.tables:
        return None
    frame = sheet.tables[0].frame
    rows = tuple(
        (_upper_first(_human_terms(str(r["item"]))), tidy_text(_human_terms(str(r["value"]))))
        for r in frame.to_dict("records")
    )
    return ReportTable(header=("Item", "Method"), rows=rows)


def _caveats(suppress: bool, claims: bool) -> tuple[str, ...]:
    out = [
        "This report presents evidence, not legal advice. Only the quantitative test is "
        "arithmetic the regulation prescribes; outcome differences and NQTL findings are warning "
        "signs that call for the plan's comparative analysis, not proof of a violation.",
        "The quantitative test rests on the benefit design and the projected M/S payments given "
        "as input; the plan must document its own projection method, which may differ.",
        "Findings rest on the 2013 final rule (78 FR 68240) and the 2021 statute (CAA 2021 "
        "section 203); provisions new in the 2024 rule (89 FR 77586) are not federally enforced "
        "since May 15, 2025 (states may enforce them).",
    ]
    if claims:
        out.append(
            "Claims outcomes are counted in claim lines, as coded in the claims given; a "
            "difference in denial rates may have causes the data do not show (case mix, coding, "
            "provider billing), which is why the plan's comparative analysis is asked for."
        )
    out.append(
        "Counts from 1 to 10, and values that would reveal them, are suppressed throughout."
        if suppress
        else "Small-cell suppression is OFF: this copy is for internal analysis only and must "
        "not be shared."
    )
    return tuple(out)


def _excluded_table(sheet: Any) -> ReportTable | None:
    if sheet is None or not sheet.tables:
        return None
    frame = sheet.tables[0].frame
    rows = []
    for r in frame.to_dict("records"):
        hidden = {s.strip() for s in str(r.get("suppressed") or "").split(",") if s.strip()}
        extra = str(r.get("suppressed_complementary") or "").split(", ")
        count = r["count"]
        if "count" in hidden or pd.isna(count):
            count_text = (
                ("suppressed" if "count" in extra else "fewer\u00a0than\u00a011")
                if "count" in hidden
                else ""
            )
        else:
            count_text = _count(count)
        detail = "suppressed" if "detail" in hidden else _human_terms(str(r.get("detail") or ""))
        rows.append(
            (
                _upper_first(str(r["input"])),
                _upper_first(_human_terms(str(r["reason"]))),
                count_text,
                _words(r["action"]),
                detail,
            )
        )
    return ReportTable(
        header=("Input", "What", "Count", "Action", "Detail"),
        rows=tuple(rows),
        numeric=(False, False, True, False, False),
    )


def _provenance_tables(sheet: Any) -> tuple[ReportTable, ...]:
    if sheet is None or len(sheet.tables) < 2:
        return ()
    about, inputs = sheet.tables[0].frame, sheet.tables[1].frame
    run = ReportTable(
        header=("Item", "Value"),
        rows=tuple(
            (_upper_first(str(r["item"])), str(r["value"])) for r in about.to_dict("records")
        ),
        mono=(False, False),
    )
    files = ReportTable(
        header=("Input", "File", "Bytes", "SHA-256"),
        rows=tuple(
            (
                _upper_first(str(r["input"])),
                str(r["file"]),
                "" if r["bytes"] is None or pd.isna(r["bytes"]) else _count(r["bytes"]),
                "" if r["sha256"] is None or pd.isna(r["sha256"]) else str(r["sha256"]),
            )
            for r in inputs.to_dict("records")
        ),
        numeric=(False, False, True, False),
        mono=(False, False, False, True),
    )
    return (run, files)


# ---------------------------------------------------------------------------------------------
# Rendering.


_NO_BREAK = re.compile(r"\b(MH/SUD|M/S)(?=\W|$)")


def _keep_together(text: object) -> Any:
    """Escape ``text``, then keep "MH/SUD" and "M/S" from breaking at the slash."""
    import markupsafe

    escaped = str(markupsafe.escape(text))
    return markupsafe.Markup(_NO_BREAK.sub(r'<span class="nw">\1</span>', escaped))


def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("paritykit", TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["nb"] = _keep_together
    return env


def render_report_html(content: ReportContent) -> str:
    """Return the report as one self-contained HTML page (charts embedded, CSS inline).

    Every text from the inputs (plan name, benefit labels, NQTL text) is HTML-escaped by the
    template's autoescaping.
    """
    env = _environment()
    css = env.loader.get_source(env, "report.css")[0]  # type: ignore[union-attr]
    return env.get_template("report.html.j2").render(c=content, css=css)


def _fitting_limits(content: ReportContent) -> Iterator[dict[str, int]]:
    """Headline limits to try, fullest first, each one item shorter than the one before."""
    limits = {k: min(v, max(1, len(content._group(k)))) for k, v in HEADLINE_LIMITS.items()}
    yield dict(limits)
    for kind in ("nqtl", "claims", "qtl"):
        while limits[kind] > 1:
            limits[kind] -= 1
            yield dict(limits)


def write_report_document(content: ReportContent, out_dir: str | Path) -> list[Path]:
    """Write ``report.pdf`` and ``report.html`` into ``out_dir`` atomically.

    Parameters
    ----------
    content : ReportContent
        What :func:`report_content` built.
    out_dir : path
        The folder (the pack's staging folder).

    Returns
    -------
    list of pathlib.Path
        ``[report.pdf, report.html]``.
    """
    import weasyprint

    out = Path(out_dir)
    options = {"pdf_tags": True, "optimize_images": True, "dpi": 220}
    for limits in _fitting_limits(content):
        fitted = dataclasses.replace(content, limits=limits)
        html = render_report_html(fitted)
        document = weasyprint.HTML(string=html, base_url=str(out)).render(**options)
        if HEADLINE_END in document.pages[0].anchors:
            break
    html_path = atomic_write_text(out / f"{REPORT_STEM}.html", html)
    pdf_path = out / f"{REPORT_STEM}.pdf"
    with atomic_path(pdf_path) as tmp:
        document.write_pdf(
            tmp,
            pdf_identifier=f"paritykit-report-{content.prepared_on.isoformat()}".encode(),
            **options,
        )
    return [pdf_path, html_path]

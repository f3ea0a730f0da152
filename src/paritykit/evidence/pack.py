"""Lay out an evidence pack from prepared results: workbook sheets, charts, letter, manifest.

Called by :func:`paritykit.build_evidence_pack` with every number already computed and
suppressed; this module arranges, labels and writes. It computes no statistics.
"""

from __future__ import annotations

import datetime as dt
import platform
import sys
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from paritykit import columns as C
from paritykit import vocab
from paritykit._version import __version__
from paritykit.analysis.quantitative import DETERMINATION_COLUMNS, LEVEL_COLUMNS
from paritykit.evidence.workbook import NativeBarChart, SheetSpec, TableSpec, write_workbook
from paritykit.privacy import (
    SMALL_CELL_THRESHOLD,
    SUPPRESSED,
    mask_small_counts_in_text,
    suppress_rates,
)

__all__ = ["EXHIBITS", "SHEET_NAMES", "headline_findings", "provenance_sheet", "write_pack"]

#: Exhibit label -> (sheet name, title).
EXHIBITS: dict[str, tuple[str, str]] = {
    "Exhibit A": ("Quantitative test", "Quantitative parity test (29 CFR 2590.712(c)(3))"),
    "Exhibit B": ("Denial rates", "Denial rates, MH/SUD vs M/S, by plan and classification"),
    "Exhibit C": ("Stratified", "Pooled comparison within plan and classification"),
    "Exhibit D": ("Outcome data", "Aggregated claim outcomes behind every figure"),
    "Exhibit E": ("Excluded data", "Data excluded from the analysis, and why"),
}
#: The NQTL exhibit, present when an NQTL inventory was reviewed.
NQTL_EXHIBIT: tuple[str, str, str] = (
    "Exhibit F",
    "NQTL review",
    "Non-quantitative treatment limitations, as written and in operation",
)
#: The further sheets of Exhibit A (QTL arithmetic) and Exhibit F (the NQTL review), one table
#: a sheet so that each has its header frozen and printed on every page.
QTL_LEVELS_SHEET: str = "QTL levels"
NQTL_SHEETS: tuple[str, str] = ("NQTL side by side", "NQTL measures")
SHEET_NAMES: tuple[str, ...] = (
    "Summary",
    EXHIBITS["Exhibit A"][0],
    QTL_LEVELS_SHEET,
    *(sheet for sheet, _ in list(EXHIBITS.values())[1:]),
    "Method",
    "Provenance",
)
RATE_CHART_STEMS = (
    "denial_rate_ratios",
    "denial_rates_by_classification",
    "out_of_network_share",
)
DISCLAIMER = (
    "Prepared with paritykit {version}. This workbook presents evidence, not legal advice. "
    "Outcome disparities are warning signs that call for the plan's comparative analysis, not "
    "proof of a violation."
)


def write_pack(
    staging: Path,
    *,
    facts: Any,
    benefits_table: pd.DataFrame,
    qtl: Any,
    review: Any,
    analysis: dict[str, Any] | None,
    outcomes_shown: pd.DataFrame | None,
    rates_shown: pd.DataFrame | None,
    findings: pd.DataFrame,
    inputs: pd.DataFrame,
    suppress: bool,
    alpha: float,
    correction: str,
    command: str,
    prepared_on: dt.date,
    excluded: pd.DataFrame,
    coverage: Any = None,
    context: pd.DataFrame | None = None,
) -> list[Path]:
    """Write every file of the pack into ``staging`` and return their paths.

    ``coverage`` (a :class:`paritykit.coverage.DataCoverage`) is stated under every sheet's
    title; ``excluded`` is the Excluded data table as published (prepared, with its small
    cells suppressed, by :mod:`paritykit.report`: evidence writers never compute); ``context``
    the other plans' denial rates (``compare_plans``), shown on a sheet of its own labelled as
    context.
    """
    from paritykit.report import write_manifest

    charts = _charts(staging / "charts", qtl, rates_shown, outcomes_shown, facts)
    sheets = [
        _summary_sheet(findings, facts),
        *_qtl_sheets(qtl, [p for p in charts if "level_shares" in p.name and p.suffix == ".png"]),
        _rates_sheet(
            rates_shown,
            [p for p in charts if p.suffix == ".png" and p.stem in RATE_CHART_STEMS],
        ),
        _stratified_sheet(analysis),
        _outcomes_sheet(outcomes_shown),
        _excluded_table_sheet(excluded),
        _method_sheet(qtl, analysis, suppress, alpha, correction),
        provenance_sheet(inputs, command),
    ]
    if review is not None:
        at = [s.name for s in sheets].index("Method")
        sheets[at:at] = _nqtl_sheets(review, suppress)
    if context is not None:
        sheets.insert(len(sheets) - 2, _context_sheet(context))
    named = facts.plan_id is None or str(facts.plan_id) in str(facts.plan_name)
    head = (
        f"{facts.plan_name}, plan year {facts.plan_year}"
        if named
        else f"{facts.plan_name} ({facts.plan_id}), plan year {facts.plan_year}"
    )
    workbook = write_workbook(
        sheets,
        staging / "evidence.xlsx",
        running_head=f"{head}; prepared {prepared_on:%Y-%m-%d}",
        banner=coverage.banner() if coverage is not None else "",
    )
    letters = _letters(
        staging,
        facts,
        findings,
        suppress,
        nqtl=review is not None,
        prepared_on=prepared_on,
        headline=headline_findings(findings, rates_shown, facts),
        qtl_results=qtl.to_frame(),
    )
    report = _report_document(
        staging,
        facts,
        qtl,
        findings,
        sheets,
        charts,
        rates_shown,
        analysis,
        suppress,
        prepared_on,
        coverage=coverage,
        context=context,
    )
    files = [*report, workbook, *charts, *letters]
    manifest = write_manifest(files, staging, inputs)
    return [*files, manifest]


def _report_document(
    staging: Path,
    facts: Any,
    qtl: Any,
    findings: pd.DataFrame,
    sheets: list[SheetSpec],
    charts: list[Path],
    rates: pd.DataFrame | None,
    analysis: dict[str, Any] | None,
    suppress: bool,
    prepared_on: dt.date,
    *,
    coverage: Any = None,
    context: pd.DataFrame | None = None,
) -> list[Path]:
    """The report document (PDF and HTML), worded from the workbook's results and charts."""
    from paritykit.analysis.jurisdiction import regulators_for
    from paritykit.evidence.report_document import report_content, write_report_document

    content = report_content(
        facts=facts,
        qtl=qtl,
        findings=findings,
        sheets=sheets,
        charts=charts,
        rates=rates,
        analysis=analysis,
        suppress=suppress,
        prepared_on=prepared_on,
        regulators=regulators_for(facts),
        coverage=coverage,
        context=context,
    )
    return write_report_document(content, staging)


def _charts(
    folder: Path, qtl: Any, rates: pd.DataFrame | None, outcomes: pd.DataFrame | None, facts: Any
) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from paritykit.evidence.charts import (
        plot_level_shares,
        plot_out_of_network_share,
        plot_rate_ratios,
        plot_rates_by_classification,
        save_figure,
    )
    from paritykit.safety import ensure_inside, safe_stem

    written: list[Path] = []
    used: set[str] = set()

    def save(draw: Any, stem: str, size: tuple[float, float]) -> None:
        # Stems hold plan ids: keep them to safe characters, bounded and distinct.
        name = safe_stem(stem)
        if name in used:
            name = safe_stem(stem + "\0")  # same slug from different ids: tell them apart
        used.add(name)
        fig, ax = plt.subplots(figsize=size)
        try:
            draw(ax)
            with warnings.catch_warnings():  # a tight layout that cannot apply is no error
                warnings.simplefilter("ignore", UserWarning)
                fig.tight_layout()
            written.extend(save_figure(fig, ensure_inside(folder, folder / name)))
        finally:
            plt.close(fig)

    failing = qtl.to_frame()
    failing = failing[
        failing[C.COMPLIANT].eq(False).fillna(False)
        & failing[C.SUBSTANTIALLY_ALL].eq(True).fillna(False)
        & failing[C.SCREENING].isna()  # screened rows have no payments to chart
    ]
    if facts.plan_id is not None:
        failing = failing[failing[C.PLAN_ID] == facts.plan_id]
    for rec in failing.head(4).to_dict("records"):
        sub = rec[C.SUB_CLASSIFICATION] if isinstance(rec[C.SUB_CLASSIFICATION], str) else None
        stem = "_".join(
            str(x)
            for x in (
                "level_shares",
                rec[C.PLAN_ID],
                rec[C.CLASSIFICATION],
                sub,
                rec[C.REQUIREMENT_TYPE],
            )
            if x
        )
        save(
            lambda ax, r=rec, s=sub: plot_level_shares(
                qtl,
                plan_id=r[C.PLAN_ID],
                classification=r[C.CLASSIFICATION],
                requirement_type=r[C.REQUIREMENT_TYPE],
                sub_classification=s,
                coverage_unit=r[C.COVERAGE_UNIT],
                ax=ax,
            ),
            stem.lower().replace(" ", "_"),
            (8, 4.5),
        )
    if rates is not None and len(rates):
        height = max(3.5, 0.35 * len(rates) + 1.5)
        save(lambda ax: plot_rate_ratios(rates, ax=ax), "denial_rate_ratios", (10.5, height))
        focus = facts.plan_id if facts.plan_id in set(rates[C.PLAN_ID]) else None
        save(
            lambda ax: plot_rates_by_classification(rates, ax=ax, plan_id=focus),
            "denial_rates_by_classification",
            (9, 4.5),
        )
    if outcomes is not None and len(outcomes):
        focus = facts.plan_id if facts.plan_id in set(outcomes[C.PLAN_ID]) else None
        save(
            lambda ax: plot_out_of_network_share(outcomes, ax=ax, plan_id=focus),
            "out_of_network_share",
            (8, 4.5),
        )
    return written


def _summary_sheet(findings: pd.DataFrame, facts: Any) -> SheetSpec:
    shown = findings[["rank", C.SEVERITY, C.PLAN_ID, C.FINDING, "exhibit", C.CITATION]]
    notes = (
        f"Plan: {facts.plan_name}; {_lower_first(vocab.label_for(facts.plan_type))}, "
        f"{facts.state_name}, "
        f"plan year {facts.plan_year}.",
        "Findings, most serious first; each points to the exhibit that holds its evidence.",
        DISCLAIMER.format(version=__version__),
    )
    if not len(shown):
        shown = pd.DataFrame(
            [
                {
                    "rank": 1,
                    C.SEVERITY: "none",
                    C.FINDING: "No finding: every quantitative test passed and no outcome "
                    "disparity was flagged on the data given.",
                }
            ]
        )
    return SheetSpec(
        "Summary",
        "Summary of findings",
        notes=notes,
        tables=(TableSpec(shown),),
        wrap_columns=(C.FINDING,),
        wrap_width=32,
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _qtl_sheets(qtl: Any, images: list[Path]) -> tuple[SheetSpec, ...]:
    det = qtl.to_frame()[
        [c for c in DETERMINATION_COLUMNS if c not in ("ms_benefits", "mhsud_benefits")]
    ]
    det.insert(det.columns.get_loc(C.SUBSTANTIALLY_ALL), "threshold", 2 / 3)
    levels = qtl.levels[list(LEVEL_COLUMNS)].copy()
    levels.insert(levels.columns.get_loc(C.CUMULATIVE_SHARE) + 1, "predominant_threshold", 0.5)
    sheet, title = EXHIBITS["Exhibit A"]
    dollar = getattr(qtl, "dollar_limits", None)
    notes = (
        "Substantially all: the type applies to at least two-thirds (threshold 66.7%) of "
        "projected M/S payments in the classification (29 CFR 2590.712(c)(3)(i)(A)).",
        "Predominant level: the level (or most-restrictive-first combination) covering more than "
        "one-half (threshold 50%) of subject payments (29 CFR 2590.712(c)(3)(i)(B)).",
        "Exactly two-thirds passes; exactly one-half does not. Arithmetic is exact.",
        "Where no projected M/S payments were given, 'screening' says whether the requirement "
        "fails or passes whatever the payments, or depends on them, and 'screening_condition' "
        "states the condition; 'compliant' is then blank when it depends.",
        f"Rule: {qtl.rule_version}",
    )
    by_type = {C.PREDOMINANT_LEVEL: C.REQUIREMENT_TYPE, C.MHSUD_LEVEL: C.REQUIREMENT_TYPE}
    return (
        SheetSpec(
            sheet,
            title,
            exhibit="Exhibit A",
            notes=notes,
            tables=(TableSpec(det, "Determinations", level_columns=by_type),),
            images=tuple(images),
            wrap_columns=(C.FINDING,),
        ),
        SheetSpec(
            QTL_LEVELS_SHEET,
            f"{title}: arithmetic by level",
            exhibit="Exhibit A",
            notes=(
                "Each level's share of the M/S payments subject to the type, most restrictive "
                "first; the predominant level is the first whose cumulative share exceeds "
                "one-half.",
            ),
            tables=(TableSpec(levels, level_columns={C.LEVEL: C.REQUIREMENT_TYPE}),),
        ),
        *(
            [
                SheetSpec(
                    "Dollar limits",
                    "Aggregate lifetime and annual dollar limits (29 CFR 2590.712(b))",
                    exhibit="Exhibit A",
                    tables=(TableSpec(dollar, "Aggregate lifetime and annual dollar limits"),),
                )
            ]
            if dollar is not None and len(dollar)
            else []
        ),
    )


def _rates_sheet(rates: pd.DataFrame | None, images: list[Path]) -> SheetSpec:
    sheet, title = EXHIBITS["Exhibit B"]
    if rates is None:
        return SheetSpec(
            sheet,
            title,
            exhibit="Exhibit B",
            notes=("No claims data was given; no denial rates were computed.",),
        )
    frame = rates.copy()
    frame.insert(
        0,
        "cell",
        frame[C.PLAN_ID].astype(str) + " · " + frame[C.CLASSIFICATION].map(vocab.label_for),
    )
    chart = NativeBarChart(
        "cell", (C.MHSUD_RATE, C.MS_RATE), "Denial rate, MH/SUD vs M/S", "claims denied"
    )
    notes = (
        "One row per plan and classification. Rate ratio with Katz log interval, rate "
        "difference with Newcombe hybrid score interval, odds ratio; p-values adjusted across "
        "all rows. 'flagged': adjusted p below alpha and MH/SUD denied more often.",
        "A flagged row is a warning sign that calls for the plan's comparative analysis, not proof "
        "of a violation. 'detectable ratio': the smallest ratio the cell could detect.",
    )
    return SheetSpec(
        sheet,
        title,
        exhibit="Exhibit B",
        notes=notes,
        tables=(TableSpec(frame, chart=chart),),
        images=tuple(images),
        wrap_columns=(C.NOTE,),
    )


def _stratified_sheet(analysis: dict[str, Any] | None) -> SheetSpec:
    sheet, title = EXHIBITS["Exhibit C"]
    if analysis is None or analysis["stratified"] is None:
        return SheetSpec(
            sheet,
            title,
            exhibit="Exhibit C",
            notes=(
                "No claims data was given; no pooled test was run."
                if analysis is None
                else "No pooled test was run: no stratum has all its counts published.",
            ),
        )
    strat = analysis["stratified"]
    notes = (
        strat.sentence(),
        "Strata: "
        + ", ".join(vocab.column_label(c).lower() for c in strat.strata_columns)
        + f"; {strat.n_strata_used} of "
        f"{strat.n_strata} strata informative. The crude (unstratified) comparison is shown "
        "beside the pooled one: when they disagree, pooling across plans misleads.",
        *([f"Note: {strat.note}"] if strat.note else []),
    )
    return SheetSpec(
        sheet, title, exhibit="Exhibit C", notes=notes, tables=(TableSpec(strat.to_frame()),)
    )


def _outcomes_sheet(outcomes: pd.DataFrame | None) -> SheetSpec:
    sheet, title = EXHIBITS["Exhibit D"]
    if outcomes is None:
        return SheetSpec(sheet, title, exhibit="Exhibit D", notes=("No claims data was given.",))
    notes = (
        "Counts are claim lines unless 'unit' says claim. Cells with counts from 1 to 10 "
        "show '<11' and values computed from them 'suppressed'.",
    )
    return SheetSpec(sheet, title, exhibit="Exhibit D", notes=notes, tables=(TableSpec(outcomes),))


def _excluded_table_sheet(frame: pd.DataFrame) -> SheetSpec:
    """Exhibit E from the table the pipeline prepared (already suppressed)."""
    sheet, title = EXHIBITS["Exhibit E"]
    notes = ("Nothing is dropped silently: every excluded or altered row is counted here.",)
    return SheetSpec(
        sheet,
        title,
        exhibit="Exhibit E",
        notes=notes,
        tables=(TableSpec(frame, count_columns=("count",)),),
        wrap_columns=("detail",),
    )


#: The sheet of other plans' figures, written only with ``compare_plans``.
CONTEXT_SHEET: tuple[str, str] = (
    "Other plans (context)",
    "Context only: denial rates of the other plans in the claims file",
)


def _context_sheet(context: pd.DataFrame) -> SheetSpec:
    name, title = CONTEXT_SHEET
    notes = (
        "Context, not evidence about this plan: the other plans in the claims file, shown "
        "because --compare-plans was asked for. They are not part of any finding; their "
        "p-values are adjusted among themselves.",
    )
    return SheetSpec(name, title, notes=notes, tables=(TableSpec(context),), wrap_columns=(C.NOTE,))


def _method_sheet(
    qtl: Any, analysis: dict[str, Any] | None, suppress: bool, alpha: float, correction: str
) -> SheetSpec:
    rows = [
        (
            "quantitative test",
            "29 CFR 2590.712(c)(3): substantially all (>= 2/3 of projected M/S "
            "payments) and predominant level (> 1/2 of subject payments), exact arithmetic",
        ),
        ("quantitative test rule version", qtl.rule_version),
        (
            "small-cell suppression",
            f"on: counts 1-{SMALL_CELL_THRESHOLD - 1} and values derived from them are withheld"
            if suppress
            else "OFF (--no-suppress): internal analysis only; do not share this workbook",
        ),
    ]
    if analysis is not None:
        from paritykit.stats.compare import TEST_CHI_SQUARE, TEST_FISHER_SMALL

        outcomes = analysis["outcomes"]
        ruleset = outcomes[C.RULESET_VERSION].iloc[0] if len(outcomes) else "n/a"
        rows += [
            (
                "per-cell test",
                f"{TEST_CHI_SQUARE}; {TEST_FISHER_SMALL} (conditional MLE odds "
                "ratio, as R's fisher.test)",
            ),
            (
                "intervals",
                "rate ratio: Katz log; rate difference: Newcombe hybrid score "
                "(method 10); odds ratio: Woolf logit or conditional MLE",
            ),
            ("multiple comparisons", f"{correction} across all plan x classification cells"),
            ("alpha", f"{alpha:g}"),
            (
                "pooled test",
                "Cochran-Mantel-Haenszel with and without continuity correction; "
                "Mantel-Haenszel odds and risk ratios; Breslow-Day with Tarone's correction",
            ),
            ("classification rules version", str(ruleset)),
            ("ICD-10-CM release", analysis["validation"].icd10cm),
            ("claims unit", "claim lines"),
        ]
    rows.append(
        (
            "rule versions",
            "Findings rest on the 2013 final rule (78 FR 68240) and the "
            "2021 statute (CAA 2021 s.203); provisions new in the 2024 rule (89 FR 77586) "
            "are not federally enforced since 15 May 2025 (states may enforce).",
        )
    )
    frame = pd.DataFrame(rows, columns=["item", "value"])
    return SheetSpec(
        "Method",
        "Method",
        notes=(DISCLAIMER.format(version=__version__),),
        tables=(TableSpec(frame),),
        wrap_columns=("value",),
    )


def provenance_sheet(inputs: pd.DataFrame, command: str) -> SheetSpec:
    """The Provenance sheet: run facts, the command, and the inputs with SHA-256 hashes."""
    about = pd.DataFrame(
        [
            ("paritykit version", __version__),
            ("python", platform.python_version()),
            ("platform", sys.platform),
            ("generated (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")),
            ("command to reproduce", command),
        ],
        columns=["item", "value"],
    )
    return SheetSpec(
        "Provenance",
        "Provenance",
        notes=(
            "Input files with sizes and SHA-256 hashes; rerun the command to "
            "reproduce every number.",
        ),
        tables=(
            TableSpec(about, "Run", verbatim_columns=("item", "value")),
            TableSpec(inputs, "Inputs"),
        ),
    )


def _nqtl_sheets(review: Any, suppress: bool) -> tuple[SheetSpec, ...]:
    label, sheet, title = NQTL_EXHIBIT
    notes = (
        "Each NQTL side by side for MH/SUD and M/S in the same classification, then the "
        "findings: warning signs that call for the plan's comparative analysis, not proof of a "
        "violation (29 CFR 2590.712(c)(4)).",
        "Rule basis: 2013 rule and 2021 statute (enforced); 2024 rule provisions are not "
        "federally enforced since 15 May 2025 (states may enforce).",
    )
    findings = review.findings.copy()
    tests = review.outcome_tests
    if suppress:
        findings[C.FINDING] = findings[C.FINDING].map(mask_small_counts_in_text)
    if suppress and len(tests):
        tests = suppress_rates(tests)
        keys = [C.PLAN_ID, C.CLASSIFICATION, "nqtl_type", C.MEASURE]
        hidden = tests.loc[tests[SUPPRESSED] != "", keys].drop_duplicates()
        if len(hidden):
            marker = findings[keys].merge(hidden.assign(_hide=True), how="left", on=keys)
            mask = marker["_hide"].fillna(False).astype(bool).to_numpy()
            linked = [C.MHSUD_RATE, C.MS_RATE, C.RATE_RATIO, C.P_ADJUSTED]
            findings.loc[mask, linked] = float("nan")
            findings[SUPPRESSED] = ["" if not m else ", ".join(linked) for m in mask]
    side, measures = NQTL_SHEETS
    return (
        SheetSpec(
            sheet,
            f"{title}: findings",
            exhibit=label,
            notes=notes,
            tables=(TableSpec(findings, cell_formats=_measure_formats(findings)),),
            wrap_columns=(C.FINDING, C.DISCLOSURE_REQUEST),
        ),
        SheetSpec(
            side,
            f"{title}: side-by-side comparison",
            exhibit=label,
            notes=("Each NQTL as the plan documents it, MH/SUD beside M/S.",),
            tables=(TableSpec(review.to_frame()),),
        ),
        SheetSpec(
            measures,
            f"{title}: in-operation measures linked to each NQTL",
            exhibit=label,
            notes=(
                "Outcome measures of claims in the NQTL's classification, MH/SUD against M/S; "
                "the allowed amount per claim is in dollars, the other measures are shares.",
            ),
            tables=(TableSpec(tests, cell_formats=_measure_formats(tests)),),
        ),
    )


def _measure_formats(frame: pd.DataFrame) -> dict[str, list[str | None]]:
    """Dollars, not percent, in the side columns of rows whose measure is an amount per claim."""
    from paritykit.evidence.workbook import DOLLARS_CENTS

    if C.MEASURE not in frame.columns:
        return {}
    money = [m == C.ALLOWED_PER_UNIT for m in frame[C.MEASURE]]
    return {
        column: [DOLLARS_CENTS if is_money else None for is_money in money]
        for column in (C.MHSUD_RATE, C.MS_RATE)
        if column in frame.columns
    }


def headline_findings(
    findings: pd.DataFrame, rates: pd.DataFrame | None, facts: Any
) -> tuple[str, ...]:
    """The main findings in plain words, with their numbers, for a letter's first paragraph.

    The first failing quantitative test (its first clause), then the flagged denial-rate cell
    of the plan with the largest rate ratio: "MH/SUD claims in outpatient in-network care were
    denied 1.8 times as often as M/S claims: 18.3% against 10.3%". Suppressed cells are not
    quoted.

    Parameters
    ----------
    findings : pandas.DataFrame
        The pack's findings (columns ``source``, ``severity``, ``finding``).
    rates : pandas.DataFrame or None
        The suppressed denial-rate table.
    facts : PlanFacts
        Its ``plan_id`` picks the plan's own cells.

    Returns
    -------
    tuple of str
    """
    import re

    lines: list[str] = []
    qtl = findings[
        (findings["source"] == "quantitative_test") & (findings[C.SEVERITY] == "noncompliant")
    ]
    if len(qtl):
        first = re.split(r"(?<=[.?!])\s+", str(qtl[C.FINDING].iloc[0]))[0]
        first = re.sub(r"\s*\(\d+ CFR [^()]*(?:\([^()]*\)[^()]*)*\)", "", first)
        lines.append(re.split(r", which ", first.rstrip("."))[0])
    if rates is not None and len(rates):
        flagged = rates[rates[C.FLAGGED].fillna(False).astype(bool)]
        if facts.plan_id is not None:
            flagged = flagged[flagged[C.PLAN_ID] == facts.plan_id]
        flagged = flagged[
            pd.to_numeric(flagged[C.MHSUD_RATE], errors="coerce").notna()
            & pd.to_numeric(flagged[C.RATE_RATIO], errors="coerce").notna()
        ]
        if len(flagged):
            top = flagged.loc[pd.to_numeric(flagged[C.RATE_RATIO]).idxmax()]
            where = (
                str(top[C.CLASSIFICATION])
                .replace("_in_network", " in-network")
                .replace("_out_of_network", " out-of-network")
                .replace("_", " ")
            )
            lines.append(
                f"MH/SUD claims in {where} care were denied {float(top[C.RATE_RATIO]):.1f} times "
                f"as often as M/S claims: {float(top[C.MHSUD_RATE]):.1%} against "
                f"{float(top[C.MS_RATE]):.1%}"
            )
    return tuple(lines)


def _letters(
    staging: Path,
    facts: Any,
    findings: pd.DataFrame,
    suppress: bool,
    *,
    nqtl: bool = False,
    prepared_on: dt.date,
    headline: tuple[str, ...] = (),
    qtl_results: pd.DataFrame | None = None,
) -> list[Path]:
    """The complaint letter and the authorization form; with findings that depend on the
    plan's projected payments (a screening without them), also the request to the plan for
    those payments, their method and the comparative analyses (``request_letter.md|docx``)."""
    from paritykit.analysis.jurisdiction import regulators_for
    from paritykit.evidence.letters import ComplaintContext, write_complaint_letter

    exhibits = pd.DataFrame(
        [{"exhibit": k, "title": t, "sheet": s} for k, (s, t) in EXHIBITS.items()]
        + ([dict(zip(("exhibit", "sheet", "title"), NQTL_EXHIBIT, strict=True))] if nqtl else [])
    )
    context = ComplaintContext(
        facts=facts,
        regulators=regulators_for(facts),
        findings=findings,
        exhibits=exhibits,
        rule_versions=(
            "2013 final rule (78 FR 68240), enforced",
            "Consolidated Appropriations Act, 2021, section 203 (comparative analyses), enforced",
            "2024 final rule (89 FR 77586): new provisions not federally enforced since "
            "15 May 2025; states may enforce",
        ),
        paritykit_version=__version__,
        prepared_on=prepared_on,
        suppressed=suppress,
        headline=headline,
    )
    from paritykit.evidence.authorization import write_authorization_form
    from paritykit.evidence.request_letter import NO_REQUEST_LETTER

    files = [
        *write_complaint_letter(context, staging),
        *write_authorization_form(facts, staging),
    ]
    if (
        qtl_results is not None
        and C.SCREENING in qtl_results.columns
        and (qtl_results[C.SCREENING].astype("string") == "depends_on_payments").any()
        and facts.plan_type not in NO_REQUEST_LETTER
    ):
        from paritykit._atomic import atomic_write_text
        from paritykit.evidence.documents import markdown_to_docx
        from paritykit.evidence.request_letter import REQUEST_STEM, draft_request_letter

        letter = draft_request_letter(facts, qtl_results=qtl_results, prepared_on=prepared_on)
        files.append(atomic_write_text(staging / f"{REQUEST_STEM}.md", letter.markdown))
        files.append(
            markdown_to_docx(
                letter.markdown,
                staging / f"{REQUEST_STEM}.docx",
                title=f"Request for plan documents: {facts.plan_name}",
                keep_together_from="Sincerely,",
            )
        )
    return files

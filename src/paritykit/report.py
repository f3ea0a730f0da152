"""The whole pipeline in one call: benefits (and claims) in, an evidence pack out.

:func:`build_evidence_pack` runs load -> validate -> classify -> aggregate -> test, applies
small-cell suppression, and hands prepared tables to the evidence writers (report document,
workbook, charts, letter). Everything is first written into a staging folder inside the output
folder and moved into place only when every file is complete and nothing blocks it
(:func:`paritykit.safety.publish`), so a failed run leaves no partial pack.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from paritykit import columns as C
from paritykit._atomic import atomic_write_text
from paritykit._version import __version__
from paritykit.analysis.quantitative import QuantitativeTestResult, quantitative_test
from paritykit.citations import cite
from paritykit.coverage import DataCoverage, claims_coverage
from paritykit.errors import ConfigurationError
from paritykit.load.benefits import read_benefits
from paritykit.load.plan_facts import PlanFacts, read_plan_facts
from paritykit.privacy import (
    SMALL_CELL_THRESHOLD,
    SUPPRESSED,
    mask_small_counts_in_text,
)

__all__ = ["FINDING_COLUMNS", "DataCoverage", "EvidencePack", "build_evidence_pack", "file_sha256"]

FINDING_COLUMNS: Final[tuple[str, ...]] = (
    "rank",
    C.SEVERITY,
    "source",
    C.PLAN_ID,
    C.FINDING,
    "exhibit",
    C.CITATION,
    "rule_basis",
    "disclosure_request",
)
_SEVERITY_ORDER: Final = {
    "noncompliant": 0,
    "depends_on_payments": 0.5,
    "warning_sign": 1,
    "insufficient": 2,
    "review": 3,
}
_SEVERITY_LABEL: Final = {
    "noncompliant": "fails the quantitative test",
    "depends_on_payments": "depends on the plan's projected payments",
    "warning_sign": "warning sign",
    "insufficient": "analysis insufficient",
    "review": "for review",
}
#: What a pack writes in its folder (an input there would be replaced: refused).
PACK_NAMES: Final[tuple[str, ...]] = (
    "report.pdf",
    "report.html",
    "evidence.xlsx",
    "charts",
    "complaint_letter.md",
    "complaint_letter.docx",
    "authorization_form.md",
    "authorization_form.docx",
    "request_letter.md",
    "request_letter.docx",
    "manifest.json",
)
RULE_2013: Final = "2013 final rule (78 FR 68240), enforced"
OUTCOME_CITATION: Final = f"{cite('nqtl')} (NQTLs as written and in operation)"
OUTCOME_RULE_BASIS: Final = (
    "2013 final rule (NQTLs comparable and no more stringent, in operation); the 2024 rule's "
    "relevant-data provisions are not federally enforced since 15 May 2025"
)
OUTCOME_REQUEST: Final = (
    "The plan's comparative analysis of the NQTLs that apply to these claims (medical-"
    "necessity criteria, prior authorization, concurrent review), with the data on how they "
    f"operate for MH/SUD and M/S benefits ({cite('erisa_analysis')})."
)
QTL_REQUEST: Final = (
    "The plan's projected-payment data and the method used to determine the substantially-all "
    "and predominant levels for this classification."
)


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Return the SHA-256 hex digest of a file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> file_sha256(p)[:12]
    'ba7816bf8f01'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, eq=False)
class EvidencePack:
    """What :func:`build_evidence_pack` produced.

    Attributes
    ----------
    out_dir : pathlib.Path
        The output folder.
    files : tuple of pathlib.Path
        Every file written (report document, workbook, charts, letters, manifest).
    findings : pandas.DataFrame
        The findings, most serious first (the workbook's Summary sheet), columns
        :data:`FINDING_COLUMNS`.
    inputs : pandas.DataFrame
        The input files with sizes and SHA-256 hashes.
    quantitative : QuantitativeTestResult
        The quantitative test result.
    rates : pandas.DataFrame or None
        The per-cell denial-rate comparison, suppressed as written (None without claims).
    outcomes : pandas.DataFrame or None
        The outcome summary, suppressed as written (None without claims).
    suppressed : bool
        Whether small-cell suppression was applied.
    coverage : DataCoverage
        The plan, the benefits' plan year and the claims' period, lines and members.
    context : pandas.DataFrame or None
        With ``compare_plans=True``: the other plans' denial rates, suppressed as written
        (labelled context, never part of the findings); None otherwise.
    tables : mapping of str to pandas.DataFrame
        Every count table as the pack publishes it (suppressed when ``suppressed``):
        ``outcomes``, ``rates``, ``excluded``, ``nqtl_tests`` and ``context`` (those that
        exist).
    """

    out_dir: Path
    files: tuple[Path, ...]
    findings: pd.DataFrame
    inputs: pd.DataFrame
    quantitative: QuantitativeTestResult
    rates: pd.DataFrame | None
    outcomes: pd.DataFrame | None
    suppressed: bool
    coverage: DataCoverage | None = None
    context: pd.DataFrame | None = None
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Return the files written, with sizes and SHA-256 hashes."""
        return pd.DataFrame(
            [
                {
                    "file": str(p.relative_to(self.out_dir)),
                    "bytes": p.stat().st_size,
                    "sha256": file_sha256(p),
                }
                for p in self.files
            ]
        )

    def summary(self, *, max_findings: int = 12, width: int = 110) -> str:
        """Return a short account: the findings, one line each, and where the files are.

        At most ``max_findings`` findings (most serious first), each cut to ``width``
        characters; the full text is in the workbook's Summary sheet and the letter.
        """
        lines = [f"Evidence pack in {self.out_dir} ({len(self.files)} files)"]
        if self.coverage is not None:
            lines += [_cut("  " + text, width) for text in self.coverage.summary_lines()]
        tail = [
            *_screening_lines(self.quantitative, width),
            f"Full findings: {Path(self.out_dir) / 'report.pdf'} and evidence.xlsx",
        ]
        # about 20 lines in all: the findings get what the other lines leave
        budget = min(max_findings, max(3, SUMMARY_LINES - len(lines) - len(tail) - 1))
        shown = self.findings.head(budget)
        for rec in shown.itertuples(index=False):
            text = " ".join(str(rec.finding).split())
            label = _severity_label(str(rec.severity))
            lines.append(_cut(f"  [{label}] {text} ({rec.exhibit})", width))
        if len(self.findings) > len(shown):
            lines.append(f"  ... and {len(self.findings) - len(shown)} more finding(s)")
        return "\n".join([*lines, *tail])

    def _repr_html_(self) -> str:
        return f"<p><b>Evidence pack</b> in {self.out_dir}</p>" + self.to_frame().to_html(
            index=False
        )


def _screening_lines(qtl: QuantitativeTestResult, width: int) -> list[str]:
    """Each requirement a screening without payments left open, with its condition."""
    frame = qtl.screening
    if not len(frame):
        return []
    depends = frame[frame[C.SCREENING] == "depends_on_payments"]
    decided = len(frame) - len(depends)
    lines = [
        f"Screened without projected payments: {decided} requirement(s) decided whatever the "
        f"payments, {len(depends)} depend on them:"
    ]
    shown = depends.head(3)
    for rec in shown.to_dict("records"):
        place = str(rec[C.CLASSIFICATION] or "all M/S benefits").replace("_", " ")
        if isinstance(rec[C.SUB_CLASSIFICATION], str) and rec[C.SUB_CLASSIFICATION]:
            place += f" ({rec[C.SUB_CLASSIFICATION].replace('_', ' ')})"
        text = f"{place}, {str(rec[C.REQUIREMENT_TYPE]).replace('_', ' ')}: "
        lines.append(_cut("  - " + text + str(rec[C.SCREENING_CONDITION]) + ".", width))
    if len(depends) > len(shown):
        lines.append(f"  ... and {len(depends) - len(shown)} more (conditions in full: report.pdf)")
    return lines
#: The terminal summary's length in lines (about; the full text is in the files).
SUMMARY_LINES: Final = 20


def _severity_label(code: str) -> str:
    """A finding's severity in words for the terminal ("warning sign", not ``warning_sign``)."""
    return {"noncompliant": "fails"}.get(code, code.replace("_", " "))


def _cut(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 3] + "..."


def build_evidence_pack(
    benefits: str | os.PathLike[str] | pd.DataFrame,
    *,
    plan: str | os.PathLike[str] | dict[str, object] | PlanFacts,
    out: str | os.PathLike[str],
    claims: str | os.PathLike[str] | pd.DataFrame | None = None,
    nqtls: str | os.PathLike[str] | pd.DataFrame | None = None,
    suppress: bool = True,
    alpha: float = 0.05,
    correction: str = "fdr_bh",
    command: str | None = None,
    prepared_on: dt.date | None = None,
    compare_plans: bool = False,
) -> EvidencePack:
    """Run the whole pipeline and write an evidence pack into ``out``.

    Parameters
    ----------
    benefits : path or pandas.DataFrame
        The plan benefit design (benefits data contract).
    plan : path, dict or PlanFacts
        Plan facts (plan name, type, state, year, ...): decides the letter's addressee.
    out : path
        Output folder; created when missing. Files there with the same names are replaced, and
        files an earlier pack's ``manifest.json`` listed that this pack does not write (old
        charts) are removed; no other file is touched. An input file or folder is refused as
        ``out`` (or where the pack would write), and nothing is written when the run fails.
    claims : path or pandas.DataFrame, optional
        Claim lines (claims data contract). Lines failing validation are excluded and counted.
    nqtls : path or pandas.DataFrame, optional
        An NQTL inventory. Default: the ``NQTLs`` sheet of the benefits workbook, when it has
        one. Reviewed with :func:`paritykit.nqtl_review`, linked to the claims outcomes.
    suppress : bool
        Suppress counts from 1 to 10 and what could reveal them (default). ``False`` is for
        internal analysis only and is recorded in the Method sheet.
    alpha : float
        Significance level for the disparity tests.
    correction : str
        Multiple-comparison correction across cells (``"fdr_bh"`` or ``"holm"``).
    command : str, optional
        The command line to record in the Provenance sheet (the CLI passes its own).
    prepared_on : datetime.date, optional
        The letter's date (default: today); fix it to rebuild a byte-identical letter.
    compare_plans : bool
        The pack is about the plan of the plan facts (``plan_id``): every exhibit, chart and
        finding holds that plan only, and a claims file without it is refused. With
        ``compare_plans=True`` the other plans in the claims file are shown too, as labelled
        context (their denial rates, on a sheet and in a report section of their own); they
        never enter the plan's findings.

    Returns
    -------
    EvidencePack
        ``out_dir/report.pdf|html`` (the report document), ``evidence.xlsx``,
        ``charts/*.png|pdf``, ``complaint_letter.docx|md``, ``authorization_form.docx|md`` and
        ``manifest.json`` (every file with its SHA-256).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import paritykit as pk
    >>> from paritykit.synth.benefits import sample_benefits, sample_plan_facts
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "pack"
    >>> pack = pk.build_evidence_pack(sample_benefits(), plan=sample_plan_facts("SAMPLE-B"),
    ...                               out=out)
    >>> sorted(p.name for p in pack.files if p.parent == out)  # doctest: +NORMALIZE_WHITESPACE
    ['authorization_form.docx', 'authorization_form.md', 'complaint_letter.docx',
     'complaint_letter.md', 'evidence.xlsx', 'manifest.json', 'report.html', 'report.pdf']
    >>> pack.findings["severity"].iloc[0]
    'noncompliant'
    """
    if correction not in ("fdr_bh", "holm", "bonferroni", "fdr_by", "hochberg"):
        raise ConfigurationError(f"unknown correction {correction!r}; use 'fdr_bh' or 'holm'")
    from paritykit.safety import refuse_inputs_as_outputs

    sources = [benefits, plan, claims, nqtls]
    refuse_inputs_as_outputs({"--out": Path(out)}, sources, folder_writes=PACK_NAMES)
    facts = plan if isinstance(plan, PlanFacts) else read_plan_facts(plan)
    table = read_benefits(benefits)
    plan_id = facts.plan_id
    if plan_id is not None and plan_id not in set(table[C.PLAN_ID]):
        plans = ", ".join(sorted(set(table[C.PLAN_ID])))
        raise ConfigurationError(
            f"plan facts name plan_id {plan_id!r}, which is not in the benefits table "
            f"(plans: {plans}); fix plan_id in the plan facts or leave it out to cover every plan"
        )
    # The pack is about the plan of the plan facts: every exhibit is computed from its rows only.
    scoped = table if plan_id is None else table[table[C.PLAN_ID] == plan_id]
    qtl = quantitative_test(scoped)
    analysis = (
        _claims_analysis(
            claims,
            plan_id=plan_id,
            alpha=alpha,
            correction=correction,
            compare_plans=compare_plans,
        )
        if claims is not None
        else None
    )
    if nqtls is None:
        nqtls = _nqtl_sheet_of(benefits)
    review = None
    if nqtls is not None:
        from paritykit.analysis.nqtl import nqtl_review
        from paritykit.load.nqtl import read_nqtls

        inventory = read_nqtls(nqtls)
        if plan_id is not None:
            inventory = inventory[inventory[C.PLAN_ID] == plan_id]
        review = nqtl_review(
            inventory,
            outcomes=analysis["outcomes"] if analysis is not None else None,
            alpha=alpha,
            correction=correction,
        )
    inputs = _inputs_table(benefits, plan, claims, nqtls)
    coverage = _coverage(facts, analysis, suppress)
    published = _publish(table, analysis, review, coverage, suppress=suppress, alpha=alpha)
    outcomes_shown = published["outcomes"]
    rates_shown = published["rates"]
    if analysis is not None:
        analysis = {**analysis, "stratified": published["stratified"]}
    findings = _findings(qtl, analysis, rates_shown, facts, alpha, published["review"])
    if suppress:
        findings[C.FINDING] = findings[C.FINDING].map(mask_small_counts_in_text)
    out_dir = Path(out)
    from paritykit.safety import publish, staged_output

    with staged_output(out_dir) as staging:
        written = _write_all(
            staging,
            facts=facts,
            benefits_table=table,
            qtl=qtl,
            review=published["review"],
            analysis=analysis,
            outcomes_shown=outcomes_shown,
            rates_shown=rates_shown,
            findings=findings,
            inputs=inputs,
            suppress=suppress,
            alpha=alpha,
            correction=correction,
            command=command or _command(benefits, plan, claims, out_dir, suppress, compare_plans),
            prepared_on=prepared_on or dt.date.today(),
            coverage=coverage,
            excluded=published["excluded"],
            context=published["context"],
        )
        final = publish(staging, out_dir, written, keep=sources)
    return EvidencePack(
        out_dir=out_dir,
        files=tuple(final),
        findings=findings,
        inputs=inputs,
        quantitative=qtl,
        rates=rates_shown,
        outcomes=outcomes_shown,
        suppressed=suppress,
        coverage=coverage,
        context=published["context"],
        tables={
            name: frame
            for name, frame in (
                ("outcomes", outcomes_shown),
                ("rates", rates_shown),
                ("excluded", published["excluded"]),
                (
                    "nqtl_tests",
                    published["review"].outcome_tests if published["review"] is not None else None,
                ),
                ("context", published["context"]),
            )
            if frame is not None
        },
    )


def _claims_analysis(
    claims: str | os.PathLike[str] | pd.DataFrame,
    *,
    plan_id: str | None,
    alpha: float,
    correction: str,
    compare_plans: bool = False,
) -> dict[str, Any]:
    """Validate the whole claims file, then analyse the lines of ``plan_id`` only.

    With ``compare_plans`` the other plans' denial rates are computed too, as context (their own
    multiple-comparison family: they never change this plan's figures).
    """
    from paritykit.aggregate.outcomes import summarize_outcomes
    from paritykit.load.claims import scan_claims
    from paritykit.stats import compare_rates
    from paritykit.validate.claims import validate_claims

    source = "<DataFrame>" if isinstance(claims, pd.DataFrame) else str(claims)
    validation = validate_claims(scan_claims(claims), errors="exclude", source=source)
    lines = validation.table
    per_plan = lines.group_by(C.PLAN_ID).aggregate(_lines=lines.count()).to_pandas()
    found = sorted(str(p) for p in per_plan[C.PLAN_ID].dropna())
    other_lines = 0
    others: list[str] = []
    if plan_id is not None:
        if plan_id not in found:
            raise ConfigurationError(
                f"claims {source}: no claim line has plan_id {plan_id!r}, the plan of the plan "
                f"facts; plan ids found in the claims: {', '.join(found) or 'none'}. Give the "
                "claims of that plan, or fix plan_id in the plan facts."
            )
        others = [p for p in found if p != plan_id]
        other_lines = int(per_plan.loc[per_plan[C.PLAN_ID] != plan_id, "_lines"].sum())
        lines = lines.filter(lines[C.PLAN_ID] == plan_id)
    by = (C.PLAN_ID, C.CLASSIFICATION)
    outcomes, unclassified = _outcomes_of(summarize_outcomes(lines, by=by, unmapped="flag"))
    rates = compare_rates(
        outcomes, events=C.DENIED, trials=C.CLAIMS, by=by, alpha=alpha, correction=correction
    )
    context = None
    if compare_plans and others:
        rest = validation.table.filter(validation.table[C.PLAN_ID] != plan_id)
        rest_outcomes, _ = _outcomes_of(summarize_outcomes(rest, by=by, unmapped="flag"))
        context = {
            "outcomes": rest_outcomes,
            "rates": compare_rates(
                rest_outcomes,
                events=C.DENIED,
                trials=C.CLAIMS,
                by=by,
                alpha=alpha,
                correction=correction,
            ),
        }
    facts = claims_coverage(lines)
    return {
        "service_period": (facts["first_service_date"], facts["last_service_date"]),
        "coverage": facts,
        "validation": validation,
        "outcomes": outcomes,
        "unclassified": unclassified,
        "rates": rates,
        "other_plans": len(others),
        "other_plan_lines": other_lines,
        "context": context,
    }


def _outcomes_of(outcomes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split an outcome summary into classified rows and the unclassified ones."""
    unclassified = outcomes[outcomes[C.SIDE].isna() | outcomes[C.CLASSIFICATION].isna()]
    return outcomes.drop(index=unclassified.index).reset_index(drop=True), unclassified


def _coverage(facts: PlanFacts, analysis: dict[str, Any] | None, suppress: bool) -> DataCoverage:
    if analysis is None:
        return DataCoverage(facts.plan_id, int(facts.plan_year), suppressed=suppress)
    return DataCoverage(
        facts.plan_id,
        int(facts.plan_year),
        other_plans=analysis["other_plans"],
        other_plan_lines=analysis["other_plan_lines"],
        suppressed=suppress,
        **analysis["coverage"],
    )


# --- what leaves the pack: small-cell protection across every table ---------------------------

#: Excluded-data rows whose count is published whatever happens (the banner states them).
_KEPT_ROLES: Final = ("scanned", "analysed")


def _excluded_rows(
    benefits_table: pd.DataFrame, analysis: dict[str, Any] | None, coverage: DataCoverage
) -> pd.DataFrame:
    """The Excluded data exhibit: every excluded or altered row counted, with a ``_role``."""
    rows: list[dict[str, Any]] = []
    blank = benefits_table.attrs.get("blank_rows", [])
    rows.append(
        {
            "input": "benefits",
            "reason": "blank rows skipped",
            "count": len(blank),
            "action": "skipped",
            "detail": ", ".join(map(str, blank)),
            "_role": "benefits",
        }
    )
    dropped = benefits_table.attrs.get("dropped_duplicates", [])
    rows.append(
        {
            "input": "benefits",
            "reason": "exact duplicate rows",
            "count": len(dropped),
            "action": "dropped" if dropped else "none",
            "detail": ", ".join(map(str, dropped)),
            "_role": "benefits",
        }
    )
    if analysis is not None:
        validation = analysis["validation"]
        rows.append(
            {
                "input": "claims",
                "reason": "claim lines scanned",
                "count": validation.total_lines,
                "action": "read",
                "detail": "",
                "_role": "scanned",
            }
        )
        for rec in validation.checks.to_dict("records"):
            if rec[C.ACTION] in ("excluded", "normalized") and rec[C.LINES]:
                rows.append(
                    {
                        "input": "claims",
                        "reason": f"{rec['problem']} ({rec['column']})",
                        "count": rec[C.LINES],
                        "action": rec[C.ACTION],
                        "detail": rec["expected"],
                        "_role": rec[C.ACTION],
                    }
                )
        if coverage.other_plans:
            rows.append(
                {
                    "input": "claims",
                    "reason": f"claim lines of {coverage.other_plans} other plan(s) in the file",
                    "count": coverage.other_plan_lines,
                    "action": "not part of this pack",
                    "detail": "this pack is about the plan of the plan facts only "
                    "(paritykit report --compare-plans shows the others as context)",
                    "_role": "other_plans",
                }
            )
        unclassified = analysis["unclassified"]
        rows.append(
            {
                "input": "claims",
                "reason": "lines that could not be classified",
                "count": int(unclassified[C.CLAIMS].sum()) if len(unclassified) else 0,
                "action": "excluded",
                "detail": "no rule matched their codes",
                "_role": "unclassified",
            }
        )
        rows.append(
            {
                "input": "claims",
                "reason": "claim lines analysed"
                + (f" (plan {coverage.plan_id})" if coverage.plan_id else ""),
                "count": coverage.claim_lines,
                "action": "analysed",
                "detail": coverage.period_text,
                "_role": "analysed",
            }
        )
    return pd.DataFrame(rows)


def _claims_relations(
    stacked: pd.DataFrame, excluded: pd.DataFrame, validation: Any
) -> tuple[list[Any], list[Any]]:
    """What a reader can add up across the Outcome data and Excluded data exhibits.

    Returns the relations and the cells that stay published (the banner's totals).
    """
    from paritykit.aggregate.outcomes import COUNT_COLUMNS
    from paritykit.privacy import group_total_relations, row_sum_relations

    body = stacked[stacked.index.get_level_values(0) == "D"]
    counts = [c for c in COUNT_COLUMNS if c in body.columns]
    reasons = [c for c in counts if c.startswith("denied_")]
    relations: list[Any] = []
    # a row's claims equal its claim lines (unit "line"); denied = the denied lines by reason
    relations += row_sum_relations(body, C.CLAIMS, [C.CLAIM_LINES])
    if reasons and (body[reasons].sum(axis=1) == body[C.DENIED]).all():
        relations += row_sum_relations(body, C.DENIED, reasons)
    # column totals, overall and per side, taken as known (a reader may have them); the claim
    # lines add up, with the unclassified lines, to the banner's total instead (below)
    others = [c for c in counts if c not in (C.CLAIMS, C.CLAIM_LINES)]
    relations += group_total_relations(body, others)
    relations += group_total_relations(body, others, by=[C.SIDE])
    role = {r: ("E", i) for i, r in excluded["_role"].items() if r != "excluded"}
    excluded_rows = [("E", i) for i in excluded.index[excluded["_role"] == "excluded"]]
    if "analysed" in role:
        analysed = ((role["analysed"], "count"), -1.0)
        claims = tuple(((i, C.CLAIMS), 1.0) for i in body.index)
        relations.append((*claims, ((role["unclassified"], "count"), 1.0), analysed))
        excluded_cells = [((i, "count"), -1.0) for i in excluded_rows]
        parts = [analysed]
        if "other_plans" in role:
            parts.append(((role["other_plans"], "count"), -1.0))
        total = sum(int(excluded.at[i[1], "count"]) for i in excluded_rows)
        if total == validation.excluded_lines:  # the reasons add up to the lines excluded
            parts += excluded_cells
        relations.append((((role["scanned"], "count"), 1.0), *parts))
    keep = [(role[r], "count") for r in _KEPT_ROLES if r in role]
    return relations, keep


def _hidden_counts(frame: pd.DataFrame, columns: Sequence[str]) -> set[tuple[Any, str]]:
    """The (row, column) count cells a suppressed table lists as withheld."""
    out = set()
    for i, names in frame[SUPPRESSED].items():
        for name in str(names or "").split(","):
            if name.strip() in columns:
                out.add((i, name.strip()))
    return out


def _suppress_claims_tables(
    outcomes: pd.DataFrame,
    excluded: pd.DataFrame | None,
    validation: Any,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Suppress the outcome and excluded-data tables together (complementary across both)."""
    from paritykit.aggregate.outcomes import COUNT_COLUMNS
    from paritykit.privacy import complementary_suppression, suppress_outcomes

    first = suppress_outcomes(outcomes)
    tables = {"D": outcomes}
    primary = [(("D", i), c) for i, c in _hidden_counts(first, COUNT_COLUMNS)]
    if excluded is not None:
        tables["E"] = excluded[["count"]]
        small = excluded.index[
            pd.to_numeric(excluded["count"], errors="coerce").between(1, SMALL_CELL_THRESHOLD - 1)
        ]
        primary += [(("E", i), "count") for i in small]
    stacked = pd.concat(tables)
    relations, keep = (
        _claims_relations(stacked, excluded, validation)
        if excluded is not None
        else _outcome_only_relations(stacked)
    )
    hidden = complementary_suppression(stacked, primary, relations, keep=keep)
    hide_d = [(i, c) for (t, i), c in hidden if t == "D"]
    hide_e = [(i, c) for (t, i), c in hidden if t == "E"]
    shown = suppress_outcomes(outcomes, hide=hide_d)
    if excluded is None:
        return shown, None
    from paritykit.privacy import suppress_small_cells

    rest = suppress_small_cells(
        excluded, counts=["count"], dependents={"count": ["detail"]}, hide=hide_e
    )
    return shown, rest


def _outcome_only_relations(stacked: pd.DataFrame) -> tuple[list[Any], list[Any]]:
    from paritykit.privacy import outcome_relations

    return outcome_relations(stacked), []


def _rate_cells(
    rates: pd.DataFrame, outcomes_shown: pd.DataFrame, measure: tuple[str, str] = ("", "")
) -> list[tuple[Any, str]]:
    """Cells of a rate comparison that repeat (or add up) outcome counts hidden elsewhere."""
    from paritykit.aggregate.outcomes import COUNT_COLUMNS

    events, trials = measure if measure[0] else (C.DENIED, C.CLAIMS)
    hidden = _hidden_counts(outcomes_shown, COUNT_COLUMNS)
    amounts = (C.ALLOWED_AMOUNT, C.BILLED_AMOUNT, C.PAID_AMOUNT)
    out: list[tuple[Any, str]] = []
    for i, rec in rates.iterrows():
        wanted = {rec[C.CLASSIFICATION]}
        if rec.get(C.MEASURE) == C.OUT_OF_NETWORK_RATE:
            from paritykit.analysis.nqtl import NETWORK_PARTNER

            wanted.add(NETWORK_PARTNER.get(rec[C.CLASSIFICATION], rec[C.CLASSIFICATION]))
        for side, (ev_col, tr_col) in {
            "mhsud": (C.MHSUD_EVENTS, C.MHSUD_TRIALS),
            "ms": (C.MS_EVENTS, C.MS_TRIALS),
        }.items():
            rows = outcomes_shown.index[
                (outcomes_shown[C.PLAN_ID] == rec[C.PLAN_ID])
                & outcomes_shown[C.CLASSIFICATION].isin(wanted)
                & (outcomes_shown[C.SIDE] == side)
            ]
            ev_hidden = any(
                (r, events) in hidden or (events in amounts and (r, C.CLAIMS) in hidden)
                for r in rows
            )
            if ev_hidden:
                out.append((i, ev_col))
            if any((r, trials) in hidden for r in rows):
                out.append((i, tr_col))
    return out


_OUTCOME_FIGURES = re.compile(r"is [\d.]+% against [\d.]+% for M/S \([^)]*\)")


def _review_shown(review: Any, outcomes_shown: pd.DataFrame | None) -> Any:
    """The NQTL review as published: outcome tests and the findings that quote them suppressed."""
    import dataclasses

    from paritykit.analysis.nqtl import MEASURES
    from paritykit.privacy import suppress_rates

    tests = review.outcome_tests
    if outcomes_shown is None or not len(tests):
        return review
    columns = {m: (e, t) for sets in MEASURES.values() for m, e, t in sets}
    hide = []
    for measure, part in tests.groupby(C.MEASURE, sort=False):
        hide += _rate_cells(part, outcomes_shown, columns.get(str(measure), ("", "")))
    shown = suppress_rates(tests, hide=hide)
    keys = [C.PLAN_ID, C.CLASSIFICATION, C.NQTL_TYPE, C.MEASURE]
    withheld = shown.loc[shown[SUPPRESSED] != "", keys].drop_duplicates()
    findings = review.findings.copy()
    if len(withheld) and len(findings):
        marker = findings[keys].merge(withheld.assign(_hide=True), how="left", on=keys)
        mask = marker["_hide"].fillna(False).astype(bool).to_numpy()
        linked = [C.MHSUD_RATE, C.MS_RATE, C.RATE_RATIO, C.P_ADJUSTED]
        findings.loc[mask, linked] = float("nan")
        findings.loc[mask, C.FINDING] = findings.loc[mask, C.FINDING].map(
            lambda text: _OUTCOME_FIGURES.sub(
                "differs from the M/S figure (the figures are suppressed: they would reveal a "
                f"count below {SMALL_CELL_THRESHOLD})",
                str(text),
            )
        )
    return dataclasses.replace(review, findings=findings, outcome_tests=shown)


def _stratified(outcomes: pd.DataFrame, shown: pd.DataFrame, alpha: float, *, scoped: bool) -> Any:
    """The pooled test over the strata whose counts are all published.

    A pooled figure over a stratum with a withheld count would give that count back (one
    equation, one unknown), so such strata are left out and the note says how many.
    """
    from paritykit.stats import stratified_test

    strata = [C.CLASSIFICATION] if scoped else [C.PLAN_ID, C.CLASSIFICATION]
    blocked = shown[shown[[C.DENIED, C.CLAIMS]].isna().any(axis=1)][strata].drop_duplicates()
    usable = outcomes.merge(blocked.assign(_blocked=True), how="left", on=strata)
    usable = usable[usable["_blocked"].isna()].drop(columns="_blocked")
    if usable.empty:
        return None
    result = stratified_test(usable, events=C.DENIED, trials=C.CLAIMS, strata=strata, alpha=alpha)
    if len(blocked):
        import dataclasses

        note = (
            f"{len(blocked)} stratum(s) with a suppressed count left out, so the pooled figures "
            "cannot reveal it"
        )
        result = dataclasses.replace(result, note="; ".join(n for n in (result.note, note) if n))
    return result


def _publish(
    benefits_table: pd.DataFrame,
    analysis: dict[str, Any] | None,
    review: Any,
    coverage: DataCoverage,
    *,
    suppress: bool,
    alpha: float,
) -> dict[str, Any]:
    """Every table as the pack publishes it, suppressed consistently across all of them.

    Counts from 1 to 10 are hidden, then complementary cells across the Outcome data and
    Excluded data exhibits (rows, column totals, side totals, the banner's line count), and
    every table that repeats or adds up a hidden count (denial rates, NQTL outcome tests,
    the pooled test, finding texts) hides it too.
    """
    from paritykit.privacy import suppress_rates, suppress_small_cells

    excluded = _excluded_rows(benefits_table, analysis, coverage)
    out: dict[str, Any] = {
        "outcomes": None,
        "rates": None,
        "stratified": None,
        "review": review,
        "excluded": excluded.drop(columns="_role"),
        "context": None,
    }
    if not suppress:
        out["excluded"] = out["excluded"].assign(**{SUPPRESSED: ""})
        if analysis is not None:
            out["outcomes"] = analysis["outcomes"]
            out["rates"] = analysis["rates"]
            out["stratified"] = _stratified(
                analysis["outcomes"],
                analysis["outcomes"],
                alpha,
                scoped=coverage.plan_id is not None,
            )
            if analysis["context"] is not None:
                out["context"] = analysis["context"]["rates"]
        return out
    if analysis is None:
        out["excluded"] = suppress_small_cells(
            out["excluded"], counts=["count"], dependents={"count": ["detail"]}
        )
        return out
    outcomes = analysis["outcomes"]
    shown, excluded_shown = _suppress_claims_tables(outcomes, excluded, analysis["validation"])
    out["outcomes"] = shown
    out["excluded"] = excluded_shown.drop(columns="_role")  # type: ignore[union-attr]
    rates = analysis["rates"]
    out["rates"] = suppress_rates(rates, hide=_rate_cells(rates, shown))
    out["stratified"] = _stratified(outcomes, shown, alpha, scoped=coverage.plan_id is not None)
    if review is not None:
        out["review"] = _review_shown(review, shown)
    if analysis["context"] is not None:
        context, _ = _suppress_claims_tables(analysis["context"]["outcomes"], None, None)
        ctx_rates = analysis["context"]["rates"]
        out["context"] = suppress_rates(ctx_rates, hide=_rate_cells(ctx_rates, context))
    return out


def _nqtl_sheet_of(benefits: Any) -> str | os.PathLike[str] | None:
    """The benefits workbook itself, when it has an NQTLs sheet."""
    if not isinstance(benefits, str | os.PathLike):
        return None
    path = Path(benefits)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    from openpyxl import load_workbook

    from paritykit.load.nqtl import NQTL_SHEET

    workbook = load_workbook(path, read_only=True)
    try:
        names = {n.lower() for n in workbook.sheetnames}
    finally:
        workbook.close()
    return path if NQTL_SHEET.lower() in names else None


def _inputs_table(benefits: Any, plan: Any, claims: Any, nqtls: Any = None) -> pd.DataFrame:
    rows = []
    sources = (
        ("benefits", benefits),
        ("plan facts", plan),
        ("claims", claims),
        ("nqtls", None if nqtls is benefits or str(nqtls) == str(benefits) else nqtls),
    )
    for role, source in sources:
        if source is None:
            continue
        if isinstance(source, str | os.PathLike) and Path(source).is_file():
            path = Path(source)
            rows.append(
                {
                    "input": role,
                    "file": path.name,
                    "bytes": path.stat().st_size,
                    "sha256": file_sha256(path),
                }
            )
        elif isinstance(source, str | os.PathLike) and Path(source).exists():
            files = sorted(p for p in Path(source).rglob("*") if p.is_file())
            for path in files:
                rows.append(
                    {
                        "input": role,
                        "file": str(path.relative_to(source)),
                        "bytes": path.stat().st_size,
                        "sha256": file_sha256(path),
                    }
                )
        else:
            rows.append(
                {
                    "input": role,
                    "file": f"<{type(source).__name__} in memory>",
                    "bytes": None,
                    "sha256": None,
                }
            )
    return pd.DataFrame(rows, columns=["input", "file", "bytes", "sha256"])


def _command(
    benefits: Any, plan: Any, claims: Any, out: Path, suppress: bool, compare_plans: bool = False
) -> str:
    def name(x: Any) -> str:
        return str(x) if isinstance(x, str | os.PathLike) else "<in memory>"

    parts = ["paritykit", "report", "--benefits", name(benefits), "--plan", name(plan)]
    if claims is not None:
        parts += ["--claims", name(claims)]
    parts += ["--out", str(out)]
    if not suppress:
        parts.append("--no-suppress")
    if compare_plans:
        parts.append("--compare-plans")
    return " ".join(parts)


def _findings(
    qtl: QuantitativeTestResult,
    analysis: dict[str, Any] | None,
    rates_shown: pd.DataFrame | None,
    facts: PlanFacts,
    alpha: float,
    review: Any = None,
) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    if review is not None:
        for rec in review.findings.to_dict("records"):
            rows.append(
                {
                    C.SEVERITY: rec[C.SEVERITY],
                    "source": "nqtl",
                    C.PLAN_ID: rec[C.PLAN_ID],
                    C.FINDING: rec[C.FINDING],
                    "exhibit": "Exhibit F",
                    C.CITATION: rec[C.CITATION],
                    "rule_basis": rec[C.RULE_BASIS],
                    "disclosure_request": rec[C.DISCLOSURE_REQUEST] or "",
                }
            )
    for rec in qtl.findings.to_dict("records"):
        rows.append(
            {
                C.SEVERITY: rec[C.SEVERITY],
                "source": "quantitative_test",
                C.PLAN_ID: rec[C.PLAN_ID],
                C.FINDING: rec[C.FINDING],
                "exhibit": "Exhibit A",
                C.CITATION: rec[C.CITATION],
                "rule_basis": RULE_2013,
                "disclosure_request": QTL_REQUEST
                if rec[C.SEVERITY] in ("noncompliant", "depends_on_payments")
                else "",
            }
        )
    if analysis is not None and rates_shown is not None:
        from paritykit.stats.text import rate_sentences

        flagged = rates_shown[rates_shown[C.FLAGGED].fillna(False).astype(bool)]
        if len(flagged):
            shown = flagged[flagged[C.RATE_RATIO].notna()]
            sentences = rate_sentences(shown, alpha=alpha) if len(shown) else pd.Series(dtype=str)
            text = dict(zip(shown.index, sentences, strict=True))
            for idx, rec in flagged.iterrows():
                where = f"{rec[C.PLAN_ID]}, {str(rec[C.CLASSIFICATION]).replace('_', ' ')}"
                sentence = text.get(
                    idx,
                    f"MH/SUD claims in {where} were denied significantly more often than M/S "
                    "claims (counts suppressed: fewer than 11).",
                )
                rows.append(
                    {
                        C.SEVERITY: "warning_sign",
                        "source": "denial_rates",
                        C.PLAN_ID: rec[C.PLAN_ID],
                        C.FINDING: sentence,
                        "exhibit": "Exhibit B",
                        C.CITATION: OUTCOME_CITATION,
                        "rule_basis": OUTCOME_RULE_BASIS,
                        "disclosure_request": OUTCOME_REQUEST,
                    }
                )
        strat = analysis["stratified"]
        if strat is not None and strat.cmh.p_value < alpha and strat.mh_odds_ratio > 1:
            rows.append(
                {
                    C.SEVERITY: "warning_sign",
                    "source": "stratified",
                    C.PLAN_ID: facts.plan_id or "all plans",
                    C.FINDING: strat.sentence(),
                    "exhibit": "Exhibit C",
                    C.CITATION: OUTCOME_CITATION,
                    "rule_basis": OUTCOME_RULE_BASIS,
                    "disclosure_request": "",
                }
            )
    frame = pd.DataFrame(rows, columns=[c for c in FINDING_COLUMNS if c != "rank"])
    if facts.plan_id is not None and len(frame):
        keep = frame[C.PLAN_ID].isin([facts.plan_id, "all plans"])
        frame = frame[keep]
    frame = frame.assign(_o=frame[C.SEVERITY].map(_SEVERITY_ORDER).fillna(9))
    frame = frame.sort_values(["_o", "exhibit", C.PLAN_ID], kind="stable").drop(columns="_o")
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame.reset_index(drop=True)


def _write_all(staging: Path, **kw: Any) -> list[Path]:
    from paritykit.evidence.pack import write_pack

    return write_pack(staging, **kw)


def manifest_json(files: list[Path], root: Path, inputs: pd.DataFrame) -> str:
    """Return the manifest: every output file and input with its size and SHA-256."""
    payload = {
        "paritykit_version": __version__,
        "python": platform.python_version(),
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "small_cell_threshold": SMALL_CELL_THRESHOLD,
        "inputs": inputs.astype(object).where(inputs.notna(), None).to_dict("records"),
        "files": [
            {"path": str(p.relative_to(root)), "bytes": p.stat().st_size, "sha256": file_sha256(p)}
            for p in sorted(files)
        ],
    }
    return json.dumps(payload, indent=2)


def write_manifest(files: list[Path], root: Path, inputs: pd.DataFrame) -> Path:
    """Write ``manifest.json`` in ``root`` atomically and return its path."""
    return atomic_write_text(root / "manifest.json", manifest_json(files, root, inputs) + "\n")

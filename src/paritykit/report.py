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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd

from paritykit import columns as C
from paritykit._atomic import atomic_write_text
from paritykit._version import __version__
from paritykit.analysis.quantitative import QuantitativeTestResult, quantitative_test
from paritykit.citations import cite
from paritykit.errors import ConfigurationError
from paritykit.load.benefits import read_benefits
from paritykit.load.plan_facts import PlanFacts, read_plan_facts
from paritykit.privacy import (
    SMALL_CELL_THRESHOLD,
    mask_small_counts_in_text,
    suppress_outcomes,
    suppress_rates,
)

__all__ = ["FINDING_COLUMNS", "EvidencePack", "build_evidence_pack", "file_sha256"]

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
    "evidence.xlsx",
    "charts",
    "complaint_letter.md",
    "complaint_letter.docx",
    "authorization_form.md",
    "authorization_form.docx",
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
    """

    out_dir: Path
    files: tuple[Path, ...]
    findings: pd.DataFrame
    inputs: pd.DataFrame
    quantitative: QuantitativeTestResult
    rates: pd.DataFrame | None
    outcomes: pd.DataFrame | None
    suppressed: bool

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
        shown = self.findings.head(max_findings)
        for rec in shown.itertuples(index=False):
            text = " ".join(str(rec.finding).split())
            line = f"  [{rec.severity}] {text} ({rec.exhibit})"
            lines.append(line if len(line) <= width else line[: width - 3] + "...")
        if len(self.findings) > len(shown):
            lines.append(f"  ... and {len(self.findings) - len(shown)} more finding(s)")
        lines.extend(_screening_lines(self.quantitative, width))
        lines.append(f"Full findings: {Path(self.out_dir) / 'report.pdf'} and evidence.xlsx")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return f"<p><b>Evidence pack</b> in {self.out_dir}</p>" + self.to_frame().to_html(
            index=False
        )


def _screening_lines(qtl: QuantitativeTestResult, width: int) -> list[str]:
    """Each requirement a screening without payments left open, with its condition."""
    import textwrap

    frame = qtl.screening
    if not len(frame):
        return []
    depends = frame[frame[C.SCREENING] == "depends_on_payments"]
    decided = len(frame) - len(depends)
    lines = [
        f"Screened without projected payments: {decided} requirement(s) decided whatever the "
        f"payments, {len(depends)} depend on them:"
    ]
    for rec in depends.to_dict("records"):
        place = str(rec[C.CLASSIFICATION] or "all M/S benefits").replace("_", " ")
        if isinstance(rec[C.SUB_CLASSIFICATION], str) and rec[C.SUB_CLASSIFICATION]:
            place += f" ({rec[C.SUB_CLASSIFICATION].replace('_', ' ')})"
        text = f"{rec[C.PLAN_ID]}, {place}, {str(rec[C.REQUIREMENT_TYPE]).replace('_', ' ')}: "
        lines.extend(
            textwrap.wrap(
                text + str(rec[C.SCREENING_CONDITION]) + ".",
                width=width,
                initial_indent="  - ",
                subsequent_indent="    ",
            )
        )
    return lines


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
    if facts.plan_id is not None and facts.plan_id not in set(table[C.PLAN_ID]):
        plans = ", ".join(sorted(set(table[C.PLAN_ID])))
        raise ConfigurationError(
            f"plan facts name plan_id {facts.plan_id!r}, which is not in the benefits table "
            f"(plans: {plans}); fix plan_id in the plan facts or leave it out to cover every plan"
        )
    qtl = quantitative_test(table)
    analysis = (
        _claims_analysis(claims, alpha=alpha, correction=correction) if claims is not None else None
    )
    if nqtls is None:
        nqtls = _nqtl_sheet_of(benefits)
    review = None
    if nqtls is not None:
        from paritykit.analysis.nqtl import nqtl_review

        review = nqtl_review(
            nqtls,
            outcomes=analysis["outcomes"] if analysis is not None else None,
            alpha=alpha,
            correction=correction,
        )
    inputs = _inputs_table(benefits, plan, claims, nqtls)
    outcomes_shown = rates_shown = None
    if analysis is not None:
        outcomes_shown = (
            suppress_outcomes(analysis["outcomes"]) if suppress else analysis["outcomes"]
        )
        rates_shown = suppress_rates(analysis["rates"]) if suppress else analysis["rates"]
    findings = _findings(qtl, analysis, rates_shown, facts, alpha, review)
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
            review=review,
            analysis=analysis,
            outcomes_shown=outcomes_shown,
            rates_shown=rates_shown,
            findings=findings,
            inputs=inputs,
            suppress=suppress,
            alpha=alpha,
            correction=correction,
            command=command or _command(benefits, plan, claims, out_dir, suppress),
            prepared_on=prepared_on or dt.date.today(),
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
    )


def _claims_analysis(
    claims: str | os.PathLike[str] | pd.DataFrame, *, alpha: float, correction: str
) -> dict[str, Any]:
    from paritykit.aggregate.outcomes import summarize_outcomes
    from paritykit.load.claims import scan_claims
    from paritykit.stats import compare_rates, stratified_test
    from paritykit.validate.claims import validate_claims

    source = "<DataFrame>" if isinstance(claims, pd.DataFrame) else str(claims)
    validation = validate_claims(scan_claims(claims), errors="exclude", source=source)
    by = (C.PLAN_ID, C.CLASSIFICATION)
    outcomes = summarize_outcomes(validation.table, by=by, unmapped="flag")
    unclassified = outcomes[outcomes[C.SIDE].isna() | outcomes[C.CLASSIFICATION].isna()]
    outcomes = outcomes.drop(index=unclassified.index).reset_index(drop=True)
    rates = compare_rates(
        outcomes, events=C.DENIED, trials=C.CLAIMS, by=by, alpha=alpha, correction=correction
    )
    stratified = stratified_test(outcomes, events=C.DENIED, trials=C.CLAIMS, strata=by, alpha=alpha)
    return {
        "service_period": _service_period(validation.table),
        "validation": validation,
        "outcomes": outcomes,
        "unclassified": unclassified,
        "rates": rates,
        "stratified": stratified,
    }


def _service_period(table: Any) -> tuple[dt.date | None, dt.date | None]:
    """First and last service date of the claim lines analysed (None, None when there are none)."""
    column = table[C.SERVICE_DATE]
    row = table.aggregate(first=column.min(), last=column.max()).to_pandas().iloc[0]

    def day(value: Any) -> dt.date | None:
        return None if value is None or pd.isna(value) else pd.Timestamp(value).date()

    return day(row["first"]), day(row["last"])


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


def _command(benefits: Any, plan: Any, claims: Any, out: Path, suppress: bool) -> str:
    def name(x: Any) -> str:
        return str(x) if isinstance(x, str | os.PathLike) else "<in memory>"

    parts = ["paritykit", "report", "--benefits", name(benefits), "--plan", name(plan)]
    if claims is not None:
        parts += ["--claims", name(claims)]
    parts += ["--out", str(out)]
    if not suppress:
        parts.append("--no-suppress")
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
        if strat.cmh.p_value < alpha and strat.mh_odds_ratio > 1:
            rows.append(
                {
                    C.SEVERITY: "warning_sign",
                    "source": "stratified",
                    C.PLAN_ID: "all plans",
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

"""``paritykit report``: the whole pipeline, from benefits (and claims) to an evidence pack."""

from __future__ import annotations

import shlex
import sys
from datetime import datetime
from pathlib import Path

import click

__all__ = ["command"]


@click.command("report")
@click.option(
    "--benefits",
    "benefits",
    default=None,
    type=click.Path(path_type=Path),
    help="Benefits table (.xlsx, .csv, .parquet) in the benefits data contract.",
)
@click.option(
    "--sbc",
    "sbc",
    default=None,
    type=click.Path(path_type=Path),
    help="Instead of --benefits: the plan's Summary of Benefits and Coverage (PDF), read as "
    "paritykit sbc reads it (check its rows with paritykit sbc first).",
)
@click.option(
    "--plan",
    "plan",
    required=True,
    type=click.Path(path_type=Path),
    help="Plan facts (.yaml, .toml, .json, or .xlsx with a 'Plan facts' sheet).",
)
@click.option(
    "--claims",
    "claims",
    type=click.Path(path_type=Path),
    default=None,
    help="Claim lines (CSV or Parquet file, folder or glob) in the claims contract.",
)
@click.option(
    "--nqtls",
    "nqtls",
    type=click.Path(path_type=Path),
    default=None,
    help="NQTL inventory (default: the NQTLs sheet of the benefits workbook, if any).",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder for report.pdf|html, evidence.xlsx, charts/, complaint_letter.*, "
    "authorization_form.* and manifest.",
)
@click.option(
    "--date",
    "prepared_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date on the report and the complaint letter (YYYY-MM-DD; default: today).",
)
@click.option(
    "--no-suppress",
    is_flag=True,
    help="Show counts from 1 to 10 (internal analysis only; recorded in Method).",
)
@click.option(
    "--compare-plans",
    is_flag=True,
    help="Also show the other plans in the claims file, as labelled context (never findings).",
)
@click.option(
    "--alpha",
    type=float,
    default=0.05,
    show_default=True,
    help="Significance level for the disparity tests.",
)
@click.option(
    "--correction",
    type=click.Choice(["fdr_bh", "holm"]),
    default="fdr_bh",
    show_default=True,
    help="Multiple-comparison correction across cells.",
)
def command(
    benefits: Path | None,
    sbc: Path | None,
    plan: Path,
    claims: Path | None,
    nqtls: Path | None,
    out: Path,
    prepared_on: datetime | None,
    no_suppress: bool,
    compare_plans: bool,
    alpha: float,
    correction: str,
) -> None:
    """Build the evidence pack: report, workbook, charts, complaint letter and manifest.

    Runs load, validate, classify, aggregate, the quantitative test and the disparity tests
    for the plan of the plan facts only (its plan_id; --compare-plans adds the other plans of
    the claims file as labelled context), then writes OUT/report.pdf|html (the report
    document), OUT/evidence.xlsx, OUT/charts/*.png|pdf, OUT/complaint_letter.docx|md,
    OUT/authorization_form.docx|md (for a representative) and OUT/manifest.json. Every sheet
    and the report state the claims' service dates, claim lines and members, and the benefits'
    plan year. A failed run leaves no partial files. paritykit gives evidence, not legal advice.
    """
    from paritykit.report import build_evidence_pack

    if (benefits is None) == (sbc is None):
        raise click.UsageError("give the plan's benefits with --benefits or --sbc (one of them)")
    source: object = benefits
    if sbc is not None:
        from paritykit.report import PACK_NAMES
        from paritykit.safety import refuse_inputs_as_outputs

        refuse_inputs_as_outputs({"--out": out}, [sbc], folder_writes=PACK_NAMES)
        source, sbc_nqtls = _read_sbc(sbc)
        if nqtls is None and len(sbc_nqtls):
            nqtls = sbc_nqtls
    click.echo(
        "Building the evidence pack (load, validate, classify, aggregate, test)...", err=True
    )
    pack = build_evidence_pack(
        source,
        plan=plan,
        claims=claims,
        nqtls=nqtls,
        out=out,
        suppress=not no_suppress,
        compare_plans=compare_plans,
        alpha=alpha,
        correction=correction,
        prepared_on=prepared_on.date() if prepared_on else None,
        command=shlex.join(["paritykit", *sys.argv[1:]])
        if Path(sys.argv[0]).name in ("paritykit", "__main__.py")
        else None,
    )
    click.echo(pack.summary())


def _read_sbc(path: Path) -> tuple[object, object]:
    """The benefits (contract columns) and prior-authorization NQTLs read from an SBC."""
    from paritykit.load.sbc import read_sbc

    read = read_sbc(path)
    click.echo(read.summary(), err=True)
    if read.n_needs_review:
        click.echo(
            f"Warning: {read.n_needs_review} row(s) read from {path.name} need review; the "
            f"report uses them as read. Check them: paritykit sbc {path.name} --out "
            "benefits.xlsx",
            err=True,
        )
    benefits = read.contract_benefits()
    benefits.attrs["source"] = str(path)
    return benefits, read.nqtls

"""``paritykit sbc``: read Summary of Benefits and Coverage PDFs into the benefits template."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["command"]


@click.command("sbc")
@click.argument("pdfs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The benefits template to write (.xlsx), filled from the SBC(s).",
)
@click.option(
    "--plan-id",
    "plan_id",
    default=None,
    help="plan_id for the rows (one SBC only; default: the plan name on the SBC).",
)
def command(pdfs: tuple[Path, ...], out: Path, plan_id: str | None) -> None:
    """Read SBC PDFs (2012 or 2020 template) and write the benefits template, filled.

    Each PDF must have a text layer (a scanned SBC needs optical character recognition first).
    The Benefits sheet gets one row per benefit and requirement type, with projected payments
    empty (only the plan has them); rows whose wording was not fully understood are yellow
    (needs_review = yes, the reason in review_note). The NQTLs sheet lists the prior
    authorization the SBC states, as written. Check the rows against the SBC, then run
    paritykit report --benefits OUT.xlsx --plan plan.yaml --out DIR. A PDF that cannot be read
    is listed and skipped; the others are written, and the exit code is 1.
    """
    from paritykit.errors import ParityKitError
    from paritykit.load.sbc import read_sbc, write_sbc_workbook
    from paritykit.safety import refuse_inputs_as_outputs

    if out.suffix.lower() != ".xlsx":
        raise click.BadParameter("the template is an Excel file: give a path ending in .xlsx")
    if plan_id is not None and len(pdfs) > 1:
        raise click.BadParameter("--plan-id names one plan: give one SBC with it")
    refuse_inputs_as_outputs({"--out": out}, list(pdfs))
    reads, skipped = [], []
    for pdf in pdfs:
        try:
            reads.append(read_sbc(pdf, plan_id=plan_id))
        except ParityKitError as exc:
            skipped.append((pdf, exc))
            click.echo(f"Skipped: {exc}", err=True)
    if not reads:
        raise click.ClickException(
            f"no SBC could be read ({len(skipped)} file(s) skipped); nothing was written"
        )
    for read in reads:
        click.echo(read.summary())
        for rec in read.problems.head(5).to_dict("records"):
            page = "" if str(rec["page"]) in ("None", "<NA>") else f"page {rec['page']}: "
            click.echo(f"    {page}{rec['problem']} -> {rec['action']}")
        if len(read.problems) > 5:
            click.echo(f"    ... and {len(read.problems) - 5} more (sheet 'SBC problems')")
    written = write_sbc_workbook(reads, out)
    n_rows = sum(len(r.benefits) for r in reads)
    n_review = sum(int(r.benefits["needs_review"].sum()) for r in reads)
    click.echo(
        f"Wrote {written}: {n_rows} benefit rows, {n_review} to review (yellow). Projected "
        "payments are empty: ask the plan for them."
    )
    if skipped:
        raise click.ClickException(
            f"{len(skipped)} of {len(pdfs)} PDF(s) could not be read: "
            + ", ".join(str(p) for p, _ in skipped)
        )


@click.command("sbc")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the SBC (.pdf).",
)
@click.option(
    "--layout",
    type=click.Choice(["silver_2020", "classic_2012", "tiered_2020"]),
    default="silver_2020",
    show_default=True,
    help="Which fictional plan: the 2020 template, the 2012 template, or three network tiers.",
)
@click.option("--scanned", is_flag=True, help="Write pictures of pages only (no text layer).")
def synth_sbc_command(out: Path, layout: str, scanned: bool) -> None:
    """Write a fictional plan's Summary of Benefits and Coverage as a PDF.

    The plan is made up; its SBC follows the federal template's layout, so paritykit sbc can
    read it. --scanned writes an image-only PDF, which paritykit sbc refuses (no text layer).
    """
    from paritykit.synth.sbc import write_sample_sbc

    if out.suffix.lower() != ".pdf":
        raise click.BadParameter("an SBC is a PDF: give a path ending in .pdf", param_hint="--out")
    written = write_sample_sbc(out, layout, scanned=scanned)
    click.echo(f"Wrote {written} ({'scanned, ' if scanned else ''}fictional plan {layout})")

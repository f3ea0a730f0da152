"""``paritykit payers``: a payer scorecard workbook from 835 remittances or billing exports."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from paritykit.cli._practice import PROBLEMS_FILE, billing_options, read_inputs, report_problems

__all__ = ["command"]

WORKBOOK = "payer_scorecard.xlsx"
CHART_STEM = "payer_denial_rates"


@click.command("payers")
@click.argument("remits", nargs=-1, type=click.Path(path_type=Path))
@billing_options
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for payer_scorecard.xlsx and the chart.",
)
@click.option("--no-procedures", is_flag=True, help="Leave out the payer x procedure code rows.")
@click.option("--alpha", type=float, default=0.05, show_default=True, help="Significance level.")
@click.option(
    "--correction",
    type=click.Choice(["fdr_bh", "holm", "bonferroni", "none"]),
    default="fdr_bh",
    show_default=True,
    help="Multiple-comparison correction across payers.",
)
@click.option(
    "--no-suppress",
    is_flag=True,
    help="Show counts from 1 to 10 (internal use only; recorded in the Method sheet).",
)
def command(
    remits: tuple[Path, ...],
    billing: tuple[Path, ...],
    mapping: str | None,
    out_dir: Path,
    no_procedures: bool,
    alpha: float,
    correction: str,
    no_suppress: bool,
) -> None:
    """Compare payers' denials, payments and speed in a practice's remittances.

    REMITS are X12 835 files or folders of them; add billing-system CSV exports with
    --billing and --mapping. Writes payer_scorecard.xlsx (scorecard, procedure codes, denial
    reasons, chart, method, provenance) and payer_denial_rates.png to --out. Counts from 1 to
    10 are suppressed unless --no-suppress. Differences between payers are warning signs that
    call for an explanation, not proof of a parity violation. See docs/practices.md.
    """
    from paritykit.analysis.payers import payer_scorecard
    from paritykit.evidence.payer_workbook import write_payer_workbook
    from paritykit.safety import refuse_inputs_as_outputs

    refuse_inputs_as_outputs(
        {"--out": out_dir},
        [*remits, *billing, mapping],
        folder_writes=(WORKBOOK, f"{CHART_STEM}.png", PROBLEMS_FILE),
    )
    click.echo("Reading remittances ...", err=True)
    inputs = read_inputs(remits, billing, mapping)
    for message in inputs.messages:
        click.echo(message, err=True)
    problems_file = report_problems(inputs, out_dir)
    card = payer_scorecard(
        inputs.claims,
        by_procedure=not no_procedures,
        alpha=alpha,
        correction=correction,  # type: ignore[arg-type]
    )
    command_line = "paritykit " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    written = write_payer_workbook(
        card,
        out_dir,
        inputs=inputs.files,
        suppress=not no_suppress,
        command=command_line,
    )
    click.echo(card.summary())
    click.echo("Wrote " + ", ".join(str(p) for p in [*written, problems_file] if p))

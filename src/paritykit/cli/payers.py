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
    "--locality",
    default=None,
    metavar="CODE",
    help="The practice's Medicare locality, as STATE-LOCALITY (TX-18, NY-01) or MAC-LOCALITY "
    "(04412-18): adds a 'Paid vs Medicare' sheet comparing each payer's median paid and allowed "
    "amounts with the 2025 Medicare PFS non-facility amounts there. See docs/practices.md.",
)
@click.option(
    "--fee-schedule",
    "fee_schedule",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your own fee schedule (CSV/Excel: procedure_code, modifier, amount, locality, year) "
    "to compare with instead of the shipped Medicare figures; --locality picks its rows.",
)
@click.option(
    "--log",
    "log",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The practice's appeal log (.csv or .xlsx; paritykit template appeal-log): adds the "
    "'Appeal outcomes' sheet and appeal_outcomes.png.",
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
    locality: str | None,
    fee_schedule: Path | None,
    log: Path | None,
    no_suppress: bool,
) -> None:
    """Compare payers' denials, payments and speed in a practice's remittances.

    REMITS are X12 835 files or folders of them; add billing-system CSV exports with
    --billing and --mapping. Writes payer_scorecard.xlsx (scorecard, procedure codes, denial
    reasons, chart, method, provenance) and payer_denial_rates.png to --out; with --log also an
    'Appeal outcomes' sheet (overturn rates by payer, denial category and what the appeal
    contained) and appeal_outcomes.png. Counts from 1 to
    10 are suppressed unless --no-suppress. Differences between payers are warning signs that
    call for an explanation, not proof of a parity violation. See docs/practices.md.
    """
    from paritykit.analysis.payers import payer_scorecard
    from paritykit.evidence.payer_workbook import write_payer_workbook
    from paritykit.safety import refuse_inputs_as_outputs

    refuse_inputs_as_outputs(
        {"--out": out_dir},
        [*remits, *billing, mapping, fee_schedule],
        folder_writes=(WORKBOOK, f"{CHART_STEM}.png", "appeal_outcomes.png", PROBLEMS_FILE),
    )
    if log is not None:
        refuse_inputs_as_outputs({"--out": out_dir}, [log])
    click.echo("Reading remittances ...", err=True)
    inputs = read_inputs(remits, billing, mapping)
    for message in inputs.messages:
        click.echo(message, err=True)
    schedule = _fee_schedule(locality, fee_schedule, inputs)
    problems_file = report_problems(inputs, out_dir)
    card = payer_scorecard(
        inputs.claims,
        by_procedure=not no_procedures,
        alpha=alpha,
        correction=correction,  # type: ignore[arg-type]
    )
    medicare = None
    if schedule is not None:
        from paritykit.analysis.medicare import paid_vs_medicare

        medicare = paid_vs_medicare(inputs.claims, schedule)
    appeals = None
    files = list(inputs.files)
    if log is not None:
        from paritykit.analysis.appeal_outcomes import appeal_outcomes
        from paritykit.load.appeal_log import read_appeal_log

        checked = read_appeal_log(log, claims=inputs.claims)
        _report_log(checked)
        appeals = appeal_outcomes(checked, claims=inputs.claims, alpha=alpha)
        files.append((log, "appeal log"))
    command_line = "paritykit " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    written = write_payer_workbook(
        card,
        out_dir,
        inputs=files,
        suppress=not no_suppress,
        command=command_line,
        medicare=medicare,
        appeals=appeals,
    )
    click.echo(card.summary())
    if medicare is not None:
        click.echo(medicare.summary())
    click.echo("Wrote " + ", ".join(str(p) for p in [*written, problems_file] if p))


def _fee_schedule(locality: str | None, path: Path | None, inputs):  # type: ignore[no-untyped-def]
    """The Medicare (or the user's) fee schedule for ``--locality``/``--fee-schedule``, or None.

    Rows the user's file cannot use join the run's problems (problems.csv).
    """
    if locality is None and path is None:
        return None
    import pandas as pd

    if path is None:
        from paritykit.analysis.medicare import medicare_fee_schedule

        return medicare_fee_schedule(locality)  # type: ignore[arg-type]
    from paritykit.load.fee_schedule import read_fee_schedule

    schedule = read_fee_schedule(path, locality=locality)
    inputs.files.append((path, "fee schedule"))
    for note in schedule.notes:
        click.echo(f"{path.name}: {note}", err=True)
    if len(schedule.problems):
        extra = schedule.problems.assign(action="row left out of the fee schedule")
        inputs.problems = (
            pd.concat([inputs.problems, extra], ignore_index=True)
            if inputs.problems is not None and len(inputs.problems)
            else extra
        )
        inputs.problem_lines = [
            *inputs.problem_lines,
            *(
                f"{path.name} row {r.row}, {r.column} = {r.value!r}: {r.problem} (expected "
                f"{r.expected}); row left out"
                for r in schedule.problems.itertuples(index=False)
            ),
        ]
    return schedule
def _report_log(checked) -> None:  # type: ignore[no-untyped-def]
    """Say on stderr how many log rows were kept and every row excluded, with its problem."""
    click.echo(checked.summary().splitlines()[0], err=True)
    for line in checked.problem_lines():
        click.echo(f"  {line}", err=True)

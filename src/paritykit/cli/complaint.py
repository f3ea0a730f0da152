"""``paritykit complaint``: a pattern complaint about one payer, to its regulator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from paritykit.cli._practice import (
    PROBLEMS_FILE,
    billing_options,
    read_inputs,
    report_problems,
)

__all__ = ["command"]


def _plan_type(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from paritykit.errors import ConfigurationError
    from paritykit.vocab import normalize_plan_type

    try:
        return normalize_plan_type(value)
    except ConfigurationError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("complaint")
@click.argument("remits", nargs=-1, type=click.Path(path_type=Path))
@billing_options
@click.option("--payer", required=True, help="The payer complained about, as on the remittances.")
@click.option(
    "--log",
    "log",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The practice's appeal log (.csv or .xlsx): its calls and appeals about this payer "
    "are listed with dates, representatives and reference numbers.",
)
@click.option(
    "--plan-type",
    default="erisa_insured",
    show_default=True,
    callback=_plan_type,
    metavar="TYPE",
    help="Decides the regulator: erisa_insured (state insurance department, copy to EBSA), "
    "erisa_self_funded (EBSA), individual (state insurance department), "
    "non_federal_governmental (CMS), medicaid_managed_care or chip (state Medicaid agency, "
    "copy to CMS). Church and FEHB plans are refused with whom to contact.",
)
@click.option(
    "--state",
    default=None,
    help="Two-letter state code: the letter carries the office's address from the regulator "
    "directory (without it, a placeholder).",
)
@click.option("--practice", default=None, help="The practice's name, printed in the letter.")
@click.option(
    "--date",
    "prepared_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The letter's date (YYYY-MM-DD; default today).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for pattern_complaint.md, pattern_complaint.docx and pattern_report.pdf.",
)
@click.option(
    "--no-suppress",
    is_flag=True,
    help="Show counts from 1 to 10 (internal use only; the letter then says so).",
)
def command(
    remits: tuple[Path, ...],
    billing: tuple[Path, ...],
    mapping: str | None,
    payer: str,
    log: Path | None,
    plan_type: str,
    state: str | None,
    practice: str | None,
    prepared_on: dt.datetime | None,
    out_dir: Path,
    no_suppress: bool,
) -> None:
    """Draft a complaint about one payer's pattern of denials, to the payer's regulator.

    REMITS are X12 835 files or folders (or --billing exports). The letter (Markdown and
    DOCX) states, in plain words and numbers taken from the payer scorecard, the payer's
    claim-line denial rate against the practice's other payers with its interval, denials by
    reason and procedure code, the dates, the calls and appeals from --log, the parity
    questions the payer should answer and the action requested; pattern_report.pdf holds the
    exhibits with the statistical test. A difference in denial rates is a warning sign, not
    proof of a violation. Not legal advice. See docs/practices.md.
    """
    from paritykit.evidence.pattern_complaint import (
        COMPLAINT_STEM,
        REPORT_STEM,
        pattern_complaint,
        write_pattern_complaint,
    )
    from paritykit.safety import refuse_inputs_as_outputs

    refuse_inputs_as_outputs(
        {"--out": out_dir},
        [*remits, *billing, mapping, *([log] if log else [])],
        folder_writes=(
            f"{COMPLAINT_STEM}.md",
            f"{COMPLAINT_STEM}.docx",
            f"{REPORT_STEM}.pdf",
            PROBLEMS_FILE,
        ),
    )
    inputs = read_inputs(remits, billing, mapping)
    for message in inputs.messages:
        click.echo(message, err=True)
    report_problems(inputs, out_dir)
    checked = None
    if log is not None:
        from paritykit.cli.payers import _report_log
        from paritykit.load.appeal_log import read_appeal_log

        checked = read_appeal_log(log, claims=inputs.claims)
        _report_log(checked)
    complaint = pattern_complaint(
        inputs.claims,
        payer=payer,
        log=checked,
        plan_type=plan_type,
        state=state,
        prepared_on=prepared_on.date() if prepared_on else None,
        suppress=not no_suppress,
        practice=practice,
    )
    written = write_pattern_complaint(complaint, out_dir)
    click.echo(complaint.summary())
    click.echo("Wrote " + ", ".join(str(p) for p in written))
    click.echo(
        "Complete every [bracketed] item before sending. Evidence, not legal advice.", err=True
    )

"""``paritykit appeals``: open denials with their appeal deadlines, soonest first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from paritykit.cli._practice import (
    billing_options,
    plan_type_options,
    read_inputs,
    report_problems,
)

__all__ = ["command"]


@click.command("appeals")
@click.argument("claims", nargs=-1, type=click.Path(path_type=Path))
@billing_options
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Count days left from this date (YYYY-MM-DD; default today).",
)
@plan_type_options
@click.option(
    "--plan-appeal-days",
    type=click.IntRange(min=1),
    default=None,
    help="The appeal period the plan document states, if not 180 days.",
)
@click.option(
    "--include-expired", is_flag=True, help="Also list denials whose deadline has passed."
)
@click.option(
    "--log",
    "log",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The practice's appeal log (.csv or .xlsx): each denial then follows its events "
    "(decision due, external-review window, next step); decided claims leave the list.",
)
@click.option(
    "--urgent",
    is_flag=True,
    help="With --log: urgent care (decisions within 72 hours; expedited external review).",
)
@click.option(
    "--pre-service",
    "pre_service",
    is_flag=True,
    help="With --log: pre-service claims (decisions within 30 days, not 60).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON records.")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write every listed row, with headers, to this .xlsx or .csv file.",
)
def command(
    claims: tuple[Path, ...],
    billing: tuple[Path, ...],
    mapping: str | None,
    as_of: dt.datetime | None,
    plan_type: str,
    grandfathered: bool,
    plan_appeal_days: int | None,
    include_expired: bool,
    log: Path | None,
    urgent: bool,
    pre_service: bool,
    as_json: bool,
    out: Path | None,
) -> None:
    """List open denials by internal-appeal deadline, soonest first, with days left.

    CLAIMS are X12 835 files or folders, or claims tables (.csv read like a billing export
    with --mapping; .parquet with contract column names). The deadline counts from the
    denial notice date: the denial_date column where the data has one, otherwise the
    remittance's payment date (835 BPR16), which is on or before the day the notice was
    received, so the deadline shown is the same or earlier (safe). Check it against the
    plan's notice. A passed deadline reads "passed on DATE (N days ago)". The external-review
    deadline is counted from a final_denial_date column when the data has one, else stated
    as "4 months after the final internal denial". Duplicate denials (CARC 18) get the next
    step "check and resubmit". With --log (the practice's appeal log) each denial follows its
    events: an appeal filed shows when the plan's decision is due (60 days after receipt for a
    post-service claim, 30 with --pre-service, 72 hours with --urgent; the filing date is
    taken as the receipt), an upheld appeal starts the 4-month external-review window from
    its decision date, decided claims leave the list, and each row says its next step. Not
    legal advice. See docs/practices.md.
    """
    from paritykit.analysis.denials import open_denials
    from paritykit.cli._practice import OUT_SUFFIXES, PROBLEMS_FILE, write_open_denials

    if out is not None and out.suffix.lower() not in OUT_SUFFIXES:
        raise click.BadParameter("use a file name ending in .xlsx or .csv", param_hint="--out")
    if out is not None:
        from paritykit.safety import refuse_inputs_as_outputs

        refuse_inputs_as_outputs(
            {"--out": out, "--out (problems)": out.parent / PROBLEMS_FILE},
            [*claims, *billing, *([log] if log else [])],
        )
    inputs = read_inputs(claims, billing, mapping)
    for message in inputs.messages:
        click.echo(message, err=True)
    report_problems(inputs, out.parent if out is not None else None)
    checked = None
    if log is not None:
        from paritykit.cli.payers import _report_log
        from paritykit.load.appeal_log import read_appeal_log

        checked = read_appeal_log(log, claims=inputs.claims)
        _report_log(checked)
    result = open_denials(
        inputs.claims,
        as_of=(as_of or dt.datetime.now()).date(),
        plan_type=plan_type,  # type: ignore[arg-type]
        plan_appeal_days=plan_appeal_days,
        include_expired=include_expired,
        grandfathered=grandfathered,
        log=checked,
        urgent=urgent,
        service_type="pre_service" if pre_service else "post_service",
    )
    if out is not None:
        write_open_denials(result, out)
        click.echo(f"Wrote {out} ({len(result.table)} rows)", err=True)
    if as_json:
        table = result.to_frame()
        for col in table.select_dtypes(include="datetime").columns:
            table[col] = table[col].dt.strftime("%Y-%m-%d")
        click.echo(table.to_json(orient="records", indent=1))
        return
    click.echo(result.summary())
    if len(result.excluded):
        reasons = result.excluded["reason"].str.replace(
            r" \(\d{4}-\d{2}-\d{2}\)| on \d{4}-\d{2}-\d{2}", "", regex=True
        )
        click.echo(f"Not listed: {len(result.excluded)} claim(s)", err=True)
        for reason, n in reasons.value_counts().items():
            click.echo(f"  {n}: {reason.strip()}", err=True)
    click.echo(
        "Deadlines count from the denial notice date; check each against the plan's notice. "
        "Urgent care: an urgent internal appeal is decided within 72 hours, and expedited "
        "external review (decided within 72 hours) can be requested at the same time.",
        err=True,
    )

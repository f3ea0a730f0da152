"""``paritykit appeals``: open denials with their appeal deadlines, soonest first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from paritykit.analysis.denials import APPEAL_PLAN_TYPES
from paritykit.cli._practice import billing_options, read_inputs

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
@click.option(
    "--plan-type",
    type=click.Choice(list(APPEAL_PLAN_TYPES)),
    default="erisa_insured",
    show_default=True,
    help="The plan type (decides the deadline rules; one type per run).",
)
@click.option(
    "--plan-appeal-days",
    type=click.IntRange(min=1),
    default=None,
    help="The appeal period the plan document states, if not 180 days.",
)
@click.option(
    "--include-expired", is_flag=True, help="Also list denials whose deadline has passed."
)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON records.")
def command(
    claims: tuple[Path, ...],
    billing: tuple[Path, ...],
    mapping: str | None,
    as_of: dt.datetime | None,
    plan_type: str,
    plan_appeal_days: int | None,
    include_expired: bool,
    as_json: bool,
) -> None:
    """List open denials by internal-appeal deadline, soonest first, with days left.

    CLAIMS are X12 835 files or folders, or claims tables (.csv read like a billing export
    with --mapping; .parquet with contract column names). The deadline counts from the
    denial notice date: the denial_date column where the data has one, otherwise the
    remittance's payment date (835 BPR16), which is on or before the day the notice was
    received, so the deadline shown is the same or earlier (safe). Check it against the
    plan's notice. Not legal advice. See docs/practices.md.
    """
    from paritykit.analysis.denials import open_denials

    inputs = read_inputs(claims, billing, mapping)
    for message in inputs.messages:
        click.echo(message, err=True)
    result = open_denials(
        inputs.claims,
        as_of=(as_of or dt.datetime.now()).date(),
        plan_type=plan_type,  # type: ignore[arg-type]
        plan_appeal_days=plan_appeal_days,
        include_expired=include_expired,
    )
    if as_json:
        table = result.to_frame()
        for col in table.select_dtypes(include="datetime").columns:
            table[col] = table[col].dt.strftime("%Y-%m-%d")
        click.echo(table.to_json(orient="records", indent=1))
        return
    click.echo(result.summary())
    if len(result.excluded):
        reasons = result.excluded["reason"].str.replace(r" \(\d{4}-\d{2}-\d{2}\)", "", regex=True)
        click.echo(f"Not listed: {len(result.excluded)} claim(s)", err=True)
        for reason, n in reasons.value_counts().items():
            click.echo(f"  {n}: {reason.strip()}", err=True)
    click.echo(
        "Deadlines count from the denial notice date; check each against the plan's notice.",
        err=True,
    )

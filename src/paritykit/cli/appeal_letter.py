"""``paritykit appeal-letter``: draft an internal appeal for one denied claim (Markdown, DOCX)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from paritykit.cli._practice import billing_options, plan_type_options, read_inputs, report_problems

__all__ = ["command"]


@click.command("appeal-letter")
@click.argument("remits", nargs=-1, type=click.Path(path_type=Path))
@click.option("--claim", "claim_id", required=True, help="The claim number (CLP01) to appeal.")
@billing_options
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for appeal_letter_<claim>.md|docx, the practice sheet and the authorization "
    "form.",
)
@plan_type_options
@click.option(
    "--plan-appeal-days",
    type=click.IntRange(min=1),
    default=None,
    help="The appeal period the plan document states, if not 180 days.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Count days left from this date (YYYY-MM-DD; default today).",
)
def command(
    remits: tuple[Path, ...],
    claim_id: str,
    billing: tuple[Path, ...],
    mapping: str | None,
    out_dir: Path,
    plan_type: str,
    grandfathered: bool,
    plan_appeal_days: int | None,
    as_of: dt.datetime | None,
) -> None:
    """Draft an internal appeal letter for a denied claim.

    REMITS are X12 835 files or folders (or use --billing with --mapping). The letter, for
    the payer, states the denial facts from the data, whether the appeal is within the filing
    period (counted from the denial date, else the remittance date; it says so when the
    deadline has passed), and parity disclosure requests, including the documents relevant to
    the claim, cited for the plan type. The practice sheet beside it holds the deadlines in
    detail, the documentation checklist and the guide to the clinician's letter; an
    authorization form is written too. Clinical facts are left as [bracketed placeholders] and
    never invented. A claim denied as a duplicate (CARC 18) gets no letter: check and resubmit
    it instead. A draft, not legal advice. See docs/practices.md and docs/letters.md.
    """
    from paritykit.evidence.appeal_letter import draft_appeal_letter, write_appeal_letter
    from paritykit.safety import refuse_inputs_as_outputs

    refuse_inputs_as_outputs({"--out": out_dir}, [*remits, *billing, mapping])
    inputs = read_inputs(remits, billing, mapping)
    report_problems(inputs, out_dir)
    day = (as_of or dt.datetime.now()).date()
    letter = draft_appeal_letter(
        inputs.claims,
        claim_id=claim_id,
        plan_type=plan_type,  # type: ignore[arg-type]
        plan_appeal_days=plan_appeal_days,
        as_of=day,
        prepared_on=day,
        grandfathered=grandfathered,
    )
    written = write_appeal_letter(letter, out_dir)
    click.echo(letter.summary())
    click.echo("Wrote " + ", ".join(str(p) for p in written))
    click.echo("Complete every [bracketed] item from the clinical record before sending.")

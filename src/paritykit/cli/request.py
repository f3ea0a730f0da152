"""``paritykit request``: the disclosure request to the plan, the step before a complaint."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

__all__ = ["command"]


@click.command("request")
@click.option(
    "--plan",
    "plan",
    required=True,
    type=click.Path(path_type=Path),
    help="Plan facts (.yaml, .toml, .json, or .xlsx with a 'Plan facts' sheet).",
)
@click.option(
    "--benefits",
    "benefits",
    type=click.Path(path_type=Path),
    default=None,
    help="Benefits table: when the quantitative test depends on the plan's projected "
    "payments, the letter also asks for them.",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for request_letter.md|docx and authorization_form.md|docx.",
)
@click.option(
    "--date",
    "prepared_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date on the letter (YYYY-MM-DD; default: today).",
)
def command(plan: Path, benefits: Path | None, out: Path, prepared_on: dt.datetime | None) -> None:
    """Draft a request for plan documents and parity information to the plan administrator.

    Writes OUT/request_letter.md|docx: the plan documents and summary of benefits and
    coverage, the medical-necessity criteria, the reasons for denials, the NQTL comparative
    analyses as far as the law allows, and the documents relevant to denied claims, each with
    its legal basis for the plan type, the response period the law gives and whether it rests
    on the 2024 rule; and OUT/authorization_form.md|docx for a representative. Church and
    FEHB plans are refused with whom to ask instead. A draft, not legal advice.
    """
    from paritykit.evidence.request_letter import draft_request_letter, write_request_letter
    from paritykit.load.plan_facts import read_plan_facts
    from paritykit.safety import refuse_inputs_as_outputs

    refuse_inputs_as_outputs({"--out": out}, [plan, benefits])
    facts = read_plan_facts(plan)
    results = None
    if benefits is not None:
        from paritykit.analysis.quantitative import quantitative_test

        results = quantitative_test(benefits).to_frame()
        if facts.plan_id is not None and "plan_id" in results.columns:
            results = results[results["plan_id"] == facts.plan_id]
    letter = draft_request_letter(
        facts,
        qtl_results=results,
        prepared_on=prepared_on.date() if prepared_on else None,
    )
    written = write_request_letter(letter, facts, out)
    click.echo(f"Request letter for {facts.plan_name}: {len(letter.items)} documents requested")
    click.echo("Wrote " + ", ".join(str(p) for p in written))

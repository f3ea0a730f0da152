"""``paritykit template``: write input templates for advocates."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["command"]


@click.group("template")
def command() -> None:
    """Write input templates: benefits (from a plan's documents) and the appeal log."""


@command.command("benefits")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def benefits(path: Path) -> None:
    """Write the benefits template (with drop-down lists and an example plan) to PATH.xlsx."""
    from paritykit.evidence.template import write_benefits_template

    if path.suffix.lower() != ".xlsx":
        raise click.BadParameter("the template is an Excel file: give a path ending in .xlsx")
    written = write_benefits_template(path)
    click.echo(f"Wrote {written}")


@command.command("appeal-log")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def appeal_log(path: Path) -> None:
    """Write the appeal log template to PATH (.xlsx with drop-down lists, or .csv).

    One row per event about a denied claim: claim_id, plan_id (the payer), event (call,
    resubmitted, appeal_filed, appeal_decided, external_review_requested,
    external_review_decided, complaint_filed), date, outcome (overturned, upheld, partial,
    pending), representative, reference_number, clinical_documentation, provider_letter,
    parity_cited (yes/no) and notes. Three example rows show the use; delete them.
    """
    from paritykit.evidence.appeal_log_template import write_appeal_log_template

    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise click.BadParameter("give a path ending in .xlsx or .csv")
    written = write_appeal_log_template(path)
    click.echo(f"Wrote {written}")

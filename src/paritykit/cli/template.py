"""``paritykit template``: write input templates for advocates."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["command"]


@click.group("template")
def command() -> None:
    """Write Excel input templates to fill in from a plan's documents."""


@command.command("benefits")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def benefits(path: Path) -> None:
    """Write the benefits template (with drop-down lists and an example plan) to PATH.xlsx."""
    from paritykit.evidence.template import write_benefits_template

    if path.suffix.lower() != ".xlsx":
        raise click.BadParameter("the template is an Excel file: give a path ending in .xlsx")
    written = write_benefits_template(path)
    click.echo(f"Wrote {written}")

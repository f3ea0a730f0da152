"""Inputs shared by the practice commands (``payers``, ``appeals``, ``appeal-letter``).

835 remittances (files or folders), billing-export CSVs read with a mapping, or claims tables in
the claims contract are read into one table of claim lines, and every file read is listed for
provenance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click
import pandas as pd

from paritykit.errors import ConfigurationError

__all__ = ["PROBLEMS_FILE", "PracticeInputs", "billing_options", "read_inputs", "report_problems"]

#: Every problem met while reading the inputs, written beside the command's outputs.
PROBLEMS_FILE = "problems.csv"
#: How many problems the terminal shows before pointing to the file.
SHOWN_PROBLEMS = 5

_TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq")


@dataclass
class PracticeInputs:
    """Claim lines read, the files behind them and what was said about them."""

    claims: pd.DataFrame
    files: list[tuple[Path, str]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    #: Problems from reading 835s (files skipped, claims excluded, notes), in reading order.
    problems: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The same problems as readable lines, files skipped and claims excluded first.
    problem_lines: list[str] = field(default_factory=list)


def billing_options(func):  # type: ignore[no-untyped-def]
    """Add ``--billing`` and ``--mapping`` to a command."""
    func = click.option(
        "--mapping",
        default=None,
        help="Billing-export mapping: simplepractice_like, therapynotes_like (illustrative "
        "examples), or a YAML/TOML file. See docs/practices.md.",
    )(func)
    return click.option(
        "--billing",
        "billing",
        multiple=True,
        type=click.Path(path_type=Path),
        help="A billing-system CSV export (repeatable), read with --mapping.",
    )(func)


def read_inputs(
    paths: Sequence[Path], billing: Sequence[Path], mapping: str | None
) -> PracticeInputs:
    """Read 835 files/folders and claims tables in ``paths`` and billing CSVs in ``billing``."""
    from paritykit.load.billing import read_billing_export
    from paritykit.load.x12 import read_835

    if not paths and not billing:
        raise ConfigurationError(
            "no input given; pass 835 files or folders, or --billing CSV with --mapping."
        )
    frames: list[pd.DataFrame] = []
    out = PracticeInputs(pd.DataFrame())
    tables = [p for p in paths if p.suffix.lower() in _TABLE_SUFFIXES]
    remits = [p for p in paths if p not in tables]
    if remits:
        result = read_835(remits)
        frames.append(result.claims)
        out.files += [(Path(f), "835 remittance") for f in result.files]
        out.messages.append(result.summary())
        out.problems = result.problems
        out.problem_lines = result.problem_lines(limit=None)
    for path in tables:
        if path.suffix.lower() in (".parquet", ".pq"):
            if not path.is_file():
                raise ConfigurationError(f"claims file not found: {path}.")
            frames.append(pd.read_parquet(path))
            out.files.append((path, "claims table"))
        else:
            export = read_billing_export(path, mapping=mapping)
            frames.append(export.claims)
            out.files.append((path, "claims table"))
            out.messages.append(export.summary())
    for path in billing:
        export = read_billing_export(path, mapping=mapping)
        frames.append(export.claims)
        out.files.append((path, f"billing export (mapping {export.mapping})"))
        out.messages.append(export.summary())
    frames = [f for f in frames if len(f)]
    if not frames:
        raise ConfigurationError("the inputs hold no claim lines.")
    out.claims = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return out


def report_problems(inputs: PracticeInputs, folder: Path) -> Path | None:
    """Show the first problems on stderr and write all of them to ``folder/problems.csv``.

    Returns the file written, or None when there was nothing to report.
    """
    from paritykit._atomic import atomic_path

    if inputs.problems is None or inputs.problems.empty:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / PROBLEMS_FILE
    with atomic_path(target) as tmp:
        inputs.problems.to_csv(tmp, index=False)
    n = len(inputs.problem_lines)
    click.echo(f"{n} problem(s) while reading the remittances:", err=True)
    for line in inputs.problem_lines[:SHOWN_PROBLEMS]:
        click.echo(f"  {line}", err=True)
    if n > SHOWN_PROBLEMS:
        click.echo(f"  ... and {n - SHOWN_PROBLEMS} more", err=True)
    click.echo(f"All problems: {target}", err=True)
    return target

"""Inputs and outputs shared by the practice commands (``payers``, ``appeals``, ``appeal-letter``).

835 remittances (files or folders), billing-export CSVs read with a mapping, or claims tables in
the claims contract are read into one table of claim lines, and every file read is listed for
provenance. ``--plan-type`` takes the one plan-type vocabulary (:mod:`paritykit.vocab`), and
:func:`write_table` writes a result table to ``.xlsx`` or ``.csv``, atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from paritykit.errors import ConfigurationError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "OUT_SUFFIXES",
    "PROBLEMS_FILE",
    "PracticeInputs",
    "billing_options",
    "plan_type_options",
    "read_inputs",
    "report_problems",
    "write_table",
]

#: Every problem met while reading the inputs, written beside the command's outputs.
PROBLEMS_FILE = "problems.csv"
#: How many problems the terminal shows before pointing to the file.
SHOWN_PROBLEMS = 5

_TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq")
#: Files ``--out`` of ``paritykit appeals`` can write.
OUT_SUFFIXES = (".xlsx", ".csv")


@dataclass
class PracticeInputs:
    """Claim lines read, the files behind them and what was said about them."""

    claims: pd.DataFrame
    files: list[tuple[Path, str]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    #: Problems from reading 835s (files skipped, claims excluded, notes), in reading order.
    problems: pd.DataFrame = field(default_factory=lambda: _empty_frame())
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


def _plan_type(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from paritykit.vocab import normalize_plan_type

    try:
        return normalize_plan_type(value, accept_group=True)
    except ConfigurationError as exc:
        raise click.BadParameter(str(exc)) from None


def plan_type_options(func):  # type: ignore[no-untyped-def]
    """Add ``--plan-type`` (the one plan-type vocabulary) and ``--grandfathered`` to a command."""
    from paritykit.vocab import PLAN_TYPES

    func = click.option(
        "--grandfathered",
        is_flag=True,
        help="The plan is grandfathered under the ACA (no federal external review).",
    )(func)
    return click.option(
        "--plan-type",
        default="erisa_insured",
        show_default=True,
        callback=_plan_type,
        metavar="TYPE",
        help="The plan type, one of " + ", ".join(PLAN_TYPES) + " (group and "
        "grandfathered_group are accepted as older names). Decides the deadline rules and the "
        "regulations cited; Medicaid, CHIP, church and FEHB plans get a message saying where "
        "to turn. See docs/practices.md.",
    )(func)


def _empty_frame() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame()


def write_table(
    table: pd.DataFrame,
    out: Path,
    *,
    sheet: str = "Table",
    title: str | None = None,
    notes: Sequence[str] = (),
) -> Path:
    """Write every row of ``table`` with its headers to ``out`` (.xlsx or .csv), atomically.

    A CSV holds the tidy column names and codes, dates as ``YYYY-MM-DD``. A workbook is laid
    out like every paritykit workbook (:mod:`paritykit.evidence.workbook`): a title and notes,
    readable headers and labels (the codes kept at the right end), dates and amounts formatted,
    the header row frozen and printed on every page. Text that a spreadsheet could run as a
    formula is escaped by the output-safety layer (:mod:`paritykit.safety`), in both kinds.

    Parameters
    ----------
    table : pandas.DataFrame
    out : pathlib.Path
        Ends in ``.xlsx`` or ``.csv``.
    sheet : str
        The worksheet's name (``.xlsx``).
    title : str, optional
        The sheet's title (default: the sheet name).
    notes : sequence of str
        Lines under the title.

    Returns
    -------
    pathlib.Path
    """
    from paritykit.evidence.workbook import SheetSpec, TableSpec, write_workbook
    from paritykit.safety import write_csv

    suffix = out.suffix.lower()
    if suffix not in OUT_SUFFIXES:
        raise ConfigurationError(
            f"--out {out}: use a file name ending in .xlsx or .csv (got '{out.suffix}')."
        )
    if suffix == ".csv":
        return write_csv(table, out, date_format="%Y-%m-%d")
    spec = SheetSpec(sheet[:31], title or sheet, notes=tuple(notes), tables=(TableSpec(table),))
    return write_workbook([spec], out)


def read_inputs(
    paths: Sequence[Path], billing: Sequence[Path], mapping: str | None
) -> PracticeInputs:
    """Read 835 files/folders and claims tables in ``paths`` and billing CSVs in ``billing``."""
    import pandas as pd

    from paritykit.load.billing import read_billing_export
    from paritykit.load.tables import read_parquet_frame
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
            frames.append(read_parquet_frame(path, "claims table"))
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


def report_problems(inputs: PracticeInputs, folder: Path | None) -> Path | None:
    """Show the first problems on stderr and write all of them to ``folder/problems.csv``.

    With no folder (a command run without ``--out``) only the first problems are shown. Returns
    the file written, or None.
    """
    if inputs.problems is None or inputs.problems.empty:
        stale = folder / PROBLEMS_FILE if folder is not None else None
        if stale is not None and stale.is_file():
            with stale.open(encoding="utf-8", errors="replace") as handle:
                ours = handle.readline().startswith("file,row,column,value,problem")
            if ours:  # an earlier run's list would describe other inputs
                stale.unlink()
        return None
    n = len(inputs.problem_lines)
    click.echo(f"{n} problem(s) while reading the remittances:", err=True)
    for line in inputs.problem_lines[:SHOWN_PROBLEMS]:
        click.echo(f"  {line}", err=True)
    if n > SHOWN_PROBLEMS:
        click.echo(f"  ... and {n - SHOWN_PROBLEMS} more", err=True)
    if folder is None:
        click.echo("Pass --out to keep every problem in problems.csv.", err=True)
        return None
    from paritykit.safety import write_csv

    folder.mkdir(parents=True, exist_ok=True)
    target = write_csv(inputs.problems, folder / PROBLEMS_FILE)
    click.echo(f"All problems: {target}", err=True)
    return target


def write_open_denials(result: Any, out: Path) -> Path:
    """Write the deadline list (:func:`paritykit.open_denials`) as ``paritykit appeals --out``
    writes it: every row, with its title and notes (the web app writes the same file)."""
    return write_table(
        result.to_frame(),
        out,
        sheet="Open denials",
        title="Open denials by internal-appeal deadline, soonest first",
        notes=(
            result.summary().splitlines()[0] + ".",
            "Deadlines count from the denial notice date; check each against the plan's "
            "notice. Not legal advice.",
        ),
    )

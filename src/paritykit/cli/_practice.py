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

import click
import pandas as pd

from paritykit.errors import ConfigurationError

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
#: First characters that make a spreadsheet read a text cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def _cell(value: object) -> object:
    """A table value as a spreadsheet cell value: dates as dates, missing as empty."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime().date()
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalars
        return value.item()  # type: ignore[attr-defined]
    return value


def write_table(table: pd.DataFrame, out: Path, *, sheet: str = "Table") -> Path:
    """Write every row of ``table`` with its headers to ``out`` (.xlsx or .csv), atomically.

    Dates are written as dates (``YYYY-MM-DD`` in a CSV). In a workbook, text that begins with
    ``=``, ``+``, ``-`` or ``@`` is stored as text, never as a formula; in a CSV such text is
    prefixed with an apostrophe so a spreadsheet opening the file does not run it.

    Parameters
    ----------
    table : pandas.DataFrame
    out : pathlib.Path
        Ends in ``.xlsx`` or ``.csv``.
    sheet : str
        The worksheet's name (``.xlsx``).

    Returns
    -------
    pathlib.Path
    """
    from paritykit._atomic import atomic_path

    suffix = out.suffix.lower()
    if suffix not in OUT_SUFFIXES:
        raise ConfigurationError(
            f"--out {out}: use a file name ending in .xlsx or .csv (got '{out.suffix}')."
        )
    records = [[_cell(v) for v in row] for row in table.itertuples(index=False, name=None)]
    headers = [str(c) for c in table.columns]
    with atomic_path(out) as tmp:
        if suffix == ".csv":
            import csv

            with open(tmp, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(headers)
                for row in records:
                    writer.writerow(
                        [
                            "'" + v
                            if isinstance(v, str) and v.startswith(_FORMULA_START)
                            else ("" if v is None else v)
                            for v in row
                        ]
                    )
        else:
            from openpyxl import Workbook
            from openpyxl.styles import Font

            book = Workbook()
            ws = book.active
            ws.title = sheet[:31]
            ws.append(headers)
            for cell in ws[1]:
                cell.font = Font(bold=True)
            widths = [len(h) for h in headers]
            for r, row in enumerate(records, start=2):
                for c, value in enumerate(row, start=1):
                    cell = ws.cell(row=r, column=c, value=value)
                    if isinstance(value, str):
                        cell.data_type = "s"  # text, never a formula
                        widths[c - 1] = max(widths[c - 1], min(len(value), 60))
                    elif hasattr(value, "isoformat"):
                        cell.number_format = "yyyy-mm-dd"
                        widths[c - 1] = max(widths[c - 1], 10)
            for c, width in enumerate(widths, start=1):
                ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = width + 2
            ws.freeze_panes = "A2"
            book.save(tmp)
    return out


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


def report_problems(inputs: PracticeInputs, folder: Path | None) -> Path | None:
    """Show the first problems on stderr and write all of them to ``folder/problems.csv``.

    With no folder (a command run without ``--out``) only the first problems are shown. Returns
    the file written, or None.
    """
    from paritykit._atomic import atomic_path

    if inputs.problems is None or inputs.problems.empty:
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
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / PROBLEMS_FILE
    with atomic_path(target) as tmp:
        inputs.problems.to_csv(tmp, index=False)
    click.echo(f"All problems: {target}", err=True)
    return target

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
from typing import TYPE_CHECKING

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


def _cell(value: object) -> object:
    """A table value as a spreadsheet cell value: dates as dates, missing as empty."""
    import pandas as pd

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

    Dates are written as dates (``YYYY-MM-DD`` in a CSV). Text that a spreadsheet could run as
    a formula is escaped by the output-safety layer (:mod:`paritykit.safety`), in both kinds.

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
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from paritykit._atomic import atomic_path
    from paritykit.safety import excel_text, write_csv

    suffix = out.suffix.lower()
    if suffix not in OUT_SUFFIXES:
        raise ConfigurationError(
            f"--out {out}: use a file name ending in .xlsx or .csv (got '{out.suffix}')."
        )
    if suffix == ".csv":
        return write_csv(table, out, date_format="%Y-%m-%d")
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    headers = [str(c) for c in table.columns]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in headers]
    for r, row in enumerate(table.itertuples(index=False, name=None), start=2):
        for c, raw in enumerate(row, start=1):
            value = excel_text(_cell(raw))[0]
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
    with atomic_path(out) as tmp:
        book.save(tmp)
    return out


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

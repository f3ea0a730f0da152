"""The ``paritykit`` command line: a thin layer over the library.

Each sub-command lives in its own module in this package and is listed in
:data:`COMMAND_MODULES`; a module exposes a ``click`` command (or group) named ``command``.
Library errors (:class:`paritykit.ParityKitError`) become one ``Error: ...`` line on stderr
and exit code 1, never a traceback.
"""

from __future__ import annotations

import importlib
import sys
import warnings

import click

from paritykit._version import __version__
from paritykit.errors import ParityKitError, ParityKitWarning

__all__ = ["COMMAND_MODULES", "cli", "main"]

#: Sub-command modules, in the order ``paritykit --help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "paritykit.cli.qtl",
    "paritykit.cli.nqtl",
    "paritykit.cli.template",
    "paritykit.cli.sbc",
    "paritykit.cli.synth",
    "paritykit.cli.report",
    "paritykit.cli.issuers",
    "paritykit.cli.outcomes",
    "paritykit.cli.prepare",
    "paritykit.cli.payers",
    "paritykit.cli.appeals",
    "paritykit.cli.appeal_letter",
    "paritykit.cli.request",
    "paritykit.cli.complaint",
    "paritykit.cli.app",
)


class _Group(click.Group):
    """A click group that turns :class:`ParityKitError` into a one-line message."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            with warnings.catch_warnings():
                warnings.showwarning = _show_warning  # notes as one "Warning: ..." line
                return super().invoke(ctx)
        except ParityKitError as exc:
            for line in problem_lines(exc):
                click.echo(f"  {line}", err=True)
            raise click.ClickException(one_line(exc)) from None
        except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            raise click.ClickException(f"{exc.strerror}: {exc.filename}") from None
        except OSError as exc:  # name too long, a file where a folder must be, disk full ...
            where = f": {exc.filename}" if exc.filename else ""
            raise click.ClickException(f"{exc.strerror or exc}{where}") from None


def _show_warning(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
    """Print paritykit's notes as ``Warning: ...`` on stderr; other warnings as Python does."""
    if issubclass(category, ParityKitWarning):
        click.echo(f"Warning: {one_line(message)}", err=True)
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


#: How many rows of an error's problems table the command line shows.
SHOWN_PROBLEMS = 5


def problem_lines(exc: BaseException, limit: int = SHOWN_PROBLEMS) -> list[str]:
    """The first problems an error carries (``.problems``) as readable lines, and how many more."""
    frame = getattr(exc, "problems", None)
    if frame is None or len(frame) < 2:  # one problem is already in the message
        return []
    second = frame.iloc[1].get("row")
    if second is not None and f"row {second}," in str(exc):  # the message lists them already
        return []
    out = []
    for row in frame.head(limit).to_dict("records"):
        where = ", ".join(
            str(part)
            for part in (
                row.get("file"),
                f"row {row['row']}" if row.get("row") is not None else None,
                f"sheet {row['sheet']}" if row.get("sheet") else None,
            )
            if part
        )
        column, value = row.get("column"), row.get("value")
        cell = f"{column} = {value!r}" if column and value is not None else (column or "")
        expected = f" (expected {row['expected']})" if row.get("expected") else ""
        out.append(f"{where}: {cell}: {row.get('problem')}{expected}".replace(": : ", ": "))
    if len(frame) > limit:
        out.append(f"... and {len(frame) - limit} more problem(s)")
    return out


def one_line(exc: BaseException, limit: int = 4000) -> str:
    """Return the message of ``exc`` folded onto one line (and shortened past ``limit``)."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="paritykit")
def cli() -> None:
    """paritykit: evidence for mental-health parity (MHPAEA) reviews and complaints.

    paritykit gives evidence, not legal advice.
    """


HELP_OPTIONS = ["-h", "--help"]


def _same_help_options(command: click.Command) -> None:
    """Give every command ``-h``/``--help``, also when it is invoked on its own (in tests)."""
    command.context_settings.setdefault("help_option_names", HELP_OPTIONS)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _same_help_options(sub)


for _name in COMMAND_MODULES:
    _module = importlib.import_module(_name)
    cli.add_command(_module.command)
_same_help_options(cli)


def main(argv: list[str] | None = None) -> None:
    """Run the command line (the ``paritykit`` console script)."""
    cli.main(args=argv, prog_name="paritykit", standalone_mode=True)
    sys.exit(0)  # pragma: no cover - click exits itself

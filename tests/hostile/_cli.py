"""Run the command line as a user would and check it answered with a message, not a traceback."""

from __future__ import annotations

import traceback

from click.testing import CliRunner, Result

from paritykit.cli import cli


def run(args: list[str]) -> Result:
    """Invoke ``paritykit ARGS`` and fail on any exception other than a clean exit."""
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="paritykit")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        shown = "".join(traceback.format_exception(*result.exc_info))  # type: ignore[misc]
        raise AssertionError(f"paritykit {' '.join(map(str, args))} raised:\n{shown}")
    assert "Traceback" not in result.output
    return result


def error_line(result: Result) -> str:
    """The one ``Error:`` line of a failed command (exit code 1)."""
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    return lines[0]

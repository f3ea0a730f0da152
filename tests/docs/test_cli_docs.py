"""The CLI reference (docs/cli.md) is generated from the CLI and complete.

Every command and sub-command must have a help text and every option a help string; the page
must be what ``scripts/gen_cli_docs.py`` writes today, with a heading per command. When a test
here fails, fix the command's docstring or option ``help=`` (not this test), then run
``.venv/bin/python scripts/gen_cli_docs.py``.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import click
import pytest
from click.testing import CliRunner

from paritykit.cli import cli

REPO_ROOT = Path(__file__).resolve().parents[2]
GENERATOR = REPO_ROOT / "scripts" / "gen_cli_docs.py"
CLI_DOC = REPO_ROOT / "docs" / "cli.md"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli_docs", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()
COMMANDS = list(gen.iter_commands())
IDS = [doc.name for doc in COMMANDS]


def test_walk_finds_every_registered_command():
    names = {doc.name for doc in COMMANDS}
    for name in cli.commands:
        assert f"paritykit {name}" in names
    for group_name, group in cli.commands.items():
        if isinstance(group, click.Group):
            for sub in group.commands:
                assert f"paritykit {group_name} {sub}" in names
    assert len(names) == len(COMMANDS), "a command was listed twice"


@pytest.mark.parametrize("doc", COMMANDS, ids=IDS)
def test_command_has_help_text(doc):
    assert (doc.command.help or "").strip(), (
        f"`{doc.name}` has no help text: give its function a docstring "
        "(first line: what it does; then what its arguments are)."
    )


@pytest.mark.parametrize("doc", COMMANDS, ids=IDS)
def test_every_option_has_help(doc):
    missing = [
        "/".join(p.opts)
        for p in doc.command.params
        if isinstance(p, click.Option) and not p.hidden and not (p.help or "").strip()
    ]
    assert not missing, f"`{doc.name}`: option(s) without help=: {', '.join(missing)}"


def test_missing_help_reports_a_bare_command():
    @click.group()
    def group():
        """A group."""

    @group.command()
    @click.option("--size")
    def bare(size):
        pass

    problems = gen.missing_help(group)
    assert problems == [
        "command `paritykit bare`: no help text (docstring)",
        "option --size of `paritykit bare`: no help text",
    ]
    assert gen.missing_help(cli) == []


def test_cli_doc_is_up_to_date():
    assert CLI_DOC.is_file(), "docs/cli.md is missing: run scripts/gen_cli_docs.py"
    assert gen.check(CLI_DOC), (
        "docs/cli.md is out of date; run `.venv/bin/python scripts/gen_cli_docs.py`.\n"
        + gen.diff(CLI_DOC)
    )


def test_check_mode_exit_status(tmp_path, capsys):
    stale = tmp_path / "cli.md"
    stale.write_text("# Command-line reference\n\nold text\n", encoding="utf-8")
    assert gen.main(["--check", "--out", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert gen.main(["--out", str(stale)]) == 0
    assert gen.main(["--check", "--out", str(stale)]) == 0


def test_render_is_deterministic():
    assert gen.render() == gen.render()


@pytest.mark.parametrize("doc", COMMANDS, ids=IDS)
def test_every_command_has_a_heading(doc):
    text = CLI_DOC.read_text(encoding="utf-8")
    headings = {m.group(1).strip() for m in re.finditer(r"^#{2,4} (.+)$", text, re.MULTILINE)}
    assert doc.name in headings, f"docs/cli.md has no heading for `{doc.name}`"


@pytest.mark.parametrize("doc", COMMANDS, ids=IDS)
def test_page_shows_what_help_prints(doc):
    """The page holds exactly what ``paritykit ... --help`` prints at the page's width."""
    result = CliRunner().invoke(
        cli,
        [*doc.path[1:], "--help"],
        prog_name="paritykit",
        terminal_width=gen.WIDTH,
        max_content_width=gen.WIDTH,
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: {doc.name} ")
    block = f"```text\n{result.output.rstrip()}\n```"
    assert block in CLI_DOC.read_text(encoding="utf-8")

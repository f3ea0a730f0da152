"""``paritykit app`` and the server command: localhost only, no telemetry, no import cost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner


def test_server_binds_to_localhost_without_telemetry():
    from paritykit.app.server import free_port, streamlit_command

    port = free_port()
    command = streamlit_command(port)
    pairs = dict(zip(command[5::2], command[6::2], strict=False))
    assert pairs["--server.address"] == "127.0.0.1"
    assert pairs["--server.port"] == str(port)
    assert pairs["--server.headless"] == "true"
    assert pairs["--browser.gatherUsageStats"] == "false"
    assert command[3:5] == ["run", command[4]] and command[4].endswith("main.py")


def test_free_ports_differ_and_are_free():
    import socket

    from paritykit.app.server import free_port

    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # nobody holds it


def test_the_command_is_registered_with_its_options():
    from paritykit.cli import cli

    result = CliRunner().invoke(cli, ["app", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "--no-browser" in result.output
    bad = CliRunner().invoke(cli, ["app", "--port", "0"])
    assert bad.exit_code == 2


def test_the_command_line_does_not_import_streamlit():
    code = "import sys, paritykit.cli; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_without_streamlit_the_command_says_how_to_install(monkeypatch):
    import importlib.util

    from paritykit.cli import cli

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "streamlit" else real(name)
    )
    result = CliRunner().invoke(cli, ["app", "--no-browser"])
    assert result.exit_code == 1
    assert "paritykit[app]" in result.output


def test_troubleshooting_quotes_the_apps_messages():
    from paritykit.app.server import NOT_INSTALLED

    page = (Path(__file__).resolve().parents[2] / "docs" / "troubleshooting.md").read_text()
    flat = " ".join(page.split())
    assert NOT_INSTALLED.split(";")[0] in flat

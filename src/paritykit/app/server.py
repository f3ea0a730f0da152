"""Start the web app: Streamlit serving :mod:`paritykit.app.main` on 127.0.0.1 only.

Usage telemetry is off, the server is headless (it opens no browser itself; :func:`serve`
opens one when asked), and the port is a free one unless given.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from paritykit.errors import ConfigurationError

__all__ = ["HOST", "MAIN_SCRIPT", "free_port", "serve", "streamlit_command"]

#: The only address the app listens on: this computer.
HOST = "127.0.0.1"
#: The Streamlit script.
MAIN_SCRIPT = Path(__file__).with_name("main.py")
NOT_INSTALLED = (
    "the web app needs Streamlit, which is not installed; install it with "
    "pip install 'paritykit[app]' (or make install in the repository)."
)


def free_port(host: str = HOST) -> int:
    """A TCP port nobody listens on now, chosen by the operating system."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def streamlit_command(port: int, *, extra: Sequence[str] = ()) -> list[str]:
    """The command line that runs the app on ``127.0.0.1:port`` (headless, no telemetry)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(MAIN_SCRIPT),
        "--server.address",
        HOST,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "minimal",
        *extra,
    ]


def serve(
    port: int | None = None,
    *,
    open_browser: bool = True,
    echo: Callable[[str], object] = print,
) -> int:
    """Run the app until it is stopped (Ctrl+C) and return Streamlit's exit code.

    Parameters
    ----------
    port : int, optional
        The port (default: a free one).
    open_browser : bool
        Open the page in the default browser once the server answers.
    echo : callable
        Where to print the address.
    """
    if importlib.util.find_spec("streamlit") is None:
        raise ConfigurationError(NOT_INSTALLED)
    port = free_port() if port is None else port
    url = f"http://{HOST}:{port}"
    echo(f"paritykit app: {url} (this computer only; press Ctrl+C to stop)")
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    process = subprocess.Popen(streamlit_command(port), env=env)
    previous = signal.signal(signal.SIGTERM, _stop)  # stopping us stops the server too
    try:
        if open_browser and _wait_for(HOST, port, process):
            import webbrowser

            webbrowser.open(url)
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _wait_for(host: str, port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> bool:
    """Whether the server answers on ``host:port`` within ``timeout`` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.3)
    return False

"""``paritykit app``: the local web app (Advocate, Practice and Analyst pages)."""

from __future__ import annotations

import click

__all__ = ["command"]


@click.command("app")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port to serve on (default: a free one).",
)
@click.option("--no-browser", is_flag=True, help="Do not open the page in a browser.")
def command(port: int | None, no_browser: bool) -> None:
    """Start the local web app and open it in the browser.

    Serves the pages on http://127.0.0.1:PORT only (this computer), with no usage
    telemetry: upload a benefits template or SBC and get the evidence pack (Advocate), upload
    835 remittances and get the payer scorecard, open denials and appeal letters (Practice).
    Uploaded files are kept in a temporary folder removed after each run. Press Ctrl+C to
    stop. Needs the app extra: pip install 'paritykit[app]'. See docs/app.md.
    """
    from paritykit.app.server import serve

    code = serve(port, open_browser=not no_browser, echo=lambda s: click.echo(s, err=True))
    if code not in (0, -2, -15):
        raise SystemExit(code)

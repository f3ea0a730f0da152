"""End to end in a real browser: the app served by ``paritykit.app.server``, driven by Playwright.

Chromium is Debian's package (``/usr/bin/chromium``, installed by ``.ci/run``); Playwright's own
browser download is never used. Without Chromium the tests skip with the reason, except in CI
(``CI`` set), where they fail. Set ``PARITYKIT_APP_SCREENSHOTS=docs/images`` to refresh the
screenshots in the docs (otherwise they go to a temporary folder).
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = Path(os.environ.get("PARITYKIT_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
WAIT_MS = 240_000  # building a pack on a busy shared machine
BENEFITS_LABEL = "Benefits template (.xlsx) or SBC (.pdf)"
MAX_SCREENSHOT_BYTES = 300_000


def _need_browser() -> None:
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    for module in ("playwright", "streamlit"):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"the Python package {module} is not installed (make install)")
    if missing:
        reason = "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(f"browser tests need a browser: {reason}")


@pytest.fixture(scope="module")
def server():
    """The app on a free port of 127.0.0.1, as ``paritykit app --no-browser`` starts it."""
    _need_browser()
    from paritykit.app.server import HOST, free_port, streamlit_command

    port = free_port()
    process = subprocess.Popen(
        streamlit_command(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the app did not start on {HOST}:{port}")
                time.sleep(0.3)
        yield f"http://{HOST}:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(server)
    page.get_by_label("Plan name", exact=True).wait_for()
    page.get_by_role("button", name="Build the evidence pack").wait_for()
    yield page
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = os.environ.get("PARITYKIT_APP_SCREENSHOTS")
    return Path(target) if target else tmp_path_factory.mktemp("screenshots")


def _screenshot(page, folder: Path, name: str) -> Path:
    """A screenshot of the page, palette-reduced to stay small; checked under 300 KB."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    # Streamlit scrolls inside its main block: grow the window to show the whole page
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], section')]"
        ".map(e => e.scrollHeight), 900)"
    )
    page.set_viewport_size({"width": 1280, "height": min(int(height) + 40, 6000)})
    page.wait_for_timeout(500)
    raw = page.screenshot(full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    image = Image.open(io.BytesIO(raw)).convert("RGB")
    small = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    target = folder / f"app-{name}.png"
    small.save(target, optimize=True)
    assert target.stat().st_size < MAX_SCREENSHOT_BYTES, target
    return target


def _upload(page, label: str, *paths: Path) -> None:
    page.get_by_label(label, exact=True).locator("input[type=file]").set_input_files(
        [str(p) for p in paths]
    )
    for path in paths[:1]:
        page.get_by_text(path.name).first.wait_for()


def _fill_plan_facts(page) -> None:
    page.get_by_label("Plan name", exact=True).fill("Sample Employer Health Plan")
    page.get_by_label("Plan name", exact=True).press("Enter")
    page.get_by_label("Plan ID in the benefits table", exact=True).fill("SAMPLE-B")
    page.get_by_label("Plan ID in the benefits table", exact=True).press("Enter")


def test_advocate_uploads_the_demo_files_and_downloads_the_pack(page, demo, shots):
    _upload(page, BENEFITS_LABEL, demo["benefits"])
    _fill_plan_facts(page)
    page.get_by_text("Ohio Department of Insurance").first.wait_for()
    page.get_by_role("button", name="Build the evidence pack").click()
    download = page.get_by_role("button", name="Download the evidence pack")
    download.wait_for(timeout=WAIT_MS)
    assert page.get_by_text("Fails the quantitative test (determined)").is_visible()
    assert page.get_by_text("Warning signs", exact=True).count() >= 1
    with page.expect_download() as info:
        download.click()
    data = Path(info.value.path()).read_bytes()
    names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    for name in ("report.pdf", "evidence.xlsx", "complaint_letter.docx", "complaint_letter.md",
                 "manifest.json", "plan.yaml"):  # fmt: skip
        assert f"evidence_pack/{name}" in names, sorted(names)
    assert any(n.startswith("evidence_pack/charts/") and n.endswith(".png") for n in names)
    page.mouse.wheel(0, -10_000)
    _screenshot(page, shots, "advocate")


def test_a_bad_benefits_file_shows_its_message(page, bad_benefits, shots):
    _upload(page, BENEFITS_LABEL, bad_benefits)
    _fill_plan_facts(page)
    page.get_by_role("button", name="Build the evidence pack").click()
    alert = page.locator("[data-testid=stAlert]").filter(has_text="row 3, column 'side'")
    alert.wait_for(timeout=WAIT_MS)
    assert "dental" in alert.inner_text()
    assert "benefits_bad.xlsx" in alert.inner_text()
    assert "paritykit-app-" not in alert.inner_text()  # the upload's name, not the temp folder
    _screenshot(page, shots, "advocate-error")


def test_practice_scorecard_denials_and_letter(page, demo, shots):
    page.get_by_text("Practice", exact=True).click()
    label = "835 remittance files"
    page.get_by_label(label, exact=True).wait_for()
    files = sorted(demo["remits"].glob("*.835"))
    _upload(page, label, *files)
    page.get_by_label("Count days left from", exact=True).wait_for()
    page.get_by_text("Also list denials whose deadline has passed").click()
    page.get_by_role("button", name="Read the remittances").click()
    page.get_by_role("button", name="Download the payer scorecard (.xlsx)").wait_for(
        timeout=WAIT_MS
    )
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the payer scorecard (.xlsx)").click()
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"
    page.get_by_role("button", name="Draft the appeal letter").click()
    docx = page.get_by_role("button", name="docx")
    docx.first.wait_for(timeout=WAIT_MS)
    with page.expect_download() as info:
        docx.first.click()
    assert info.value.suggested_filename.startswith("appeal_letter_")
    _screenshot(page, shots, "practice")


def test_analyst_page(page, shots):
    page.get_by_text("Analyst", exact=True).click()
    page.get_by_text("Python API").first.wait_for()
    assert page.get_by_text("notebooks", exact=False).count() >= 1
    _screenshot(page, shots, "analyst")


def test_keyboard_reaches_the_uploader_and_buttons_and_inputs_are_labelled(page):
    for label in ("Plan name", "Plan type", "State where the plan is issued", "Plan year",
                  "Insurer or claims administrator", "Employer or plan sponsor",
                  "Plan ID in the benefits table", BENEFITS_LABEL):  # fmt: skip
        field = page.get_by_label(label, exact=True)
        field.wait_for()
        assert field.count() == 1, label
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea, [role=combobox]')]
              .filter(e => e.type !== 'file' && e.type !== 'hidden')
              .filter(e => !(e.getAttribute('aria-label') || e.labels?.length ||
                             e.getAttribute('aria-labelledby')))
              .map(e => e.outerHTML.slice(0, 120))"""
    )
    assert unlabelled == []
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    reached = []
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                """() => { const e = document.activeElement;
                    const box = e.closest('[data-testid=stFileUploader]');
                    return (e.getAttribute('aria-label') || e.innerText || e.tagName).trim() +
                           (box ? ' @uploader:' + box.innerText.split('\\n')[0] : ''); }"""
            )
        )
    joined = "\n".join(reached)
    assert f"@uploader:{BENEFITS_LABEL}" in joined, joined
    assert "Build the evidence pack" in joined, joined
    assert "Plan name" in joined, joined


def test_cli_app_serves_on_localhost_and_stops_with_its_server():
    _need_browser()
    import signal
    import sys

    from paritykit.app.server import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "paritykit", "app", "--port", str(port), "--no-browser"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ},
    )  # fmt: skip
    try:
        first = process.stderr.readline().decode()
        assert f"http://127.0.0.1:{port}" in first
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "paritykit app did not start"
                time.sleep(0.3)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    time.sleep(1)
    with pytest.raises(OSError):  # the Streamlit server went with it
        socket.create_connection(("127.0.0.1", port), timeout=2).close()

"""Each page driven in Streamlit's own test harness (AppTest), uploads through the test hook."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("streamlit", reason="the web app needs the app extra (paritykit[app])")
from streamlit.testing.v1 import AppTest

from .conftest import YEAR

SCRIPT = importlib.util.find_spec("paritykit.app.main").origin
TIMEOUT = 600  # the pack is built in the page's run; a shared machine can be slow


def _app(page: str = "Advocate") -> AppTest:
    at = AppTest.from_file(SCRIPT, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    if page != "Advocate":
        at.sidebar.radio(key="page").set_value(page).run()
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.text]
    return "\n".join(str(p) for p in parts)


def _labels(at: AppTest) -> list[str]:
    widgets = [*at.text_input, *at.selectbox, *at.number_input, *at.button, *at.checkbox,
               *at.date_input, *at.radio]  # fmt: skip
    return [w.label for w in widgets]


@pytest.mark.parametrize("page", ["Advocate", "Practice", "Analyst"])
def test_every_input_has_a_visible_label(page):
    at = _app(page)
    labels = _labels(at)
    assert labels and all(label and label.strip() for label in labels)
    for widget in [*at.text_input, *at.selectbox, *at.radio]:
        assert widget.proto.label_visibility.value == 0  # VISIBLE


def test_advocate_builds_the_pack_and_shows_findings(demo):
    at = _app()
    at.session_state["test_upload_benefits"] = [("benefits.xlsx", demo["benefits"].read_bytes())]
    at.text_input(key="plan_name").input("Sample Employer Health Plan").run()
    at.text_input(key="plan_id").input("SAMPLE-B").run()
    assert "Ohio Department of Insurance" in str([i.value for i in at.info])
    at.button(key="build_pack").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Fail the quantitative test"]) >= 1
    assert "Warning signs" in metrics
    assert at.session_state["advocate_result"].zip_bytes[:2] == b"PK"
    assert len(at.dataframe) >= 2


def test_advocate_bad_file_shows_the_command_lines_message(bad_benefits):
    at = _app()
    at.session_state["test_upload_benefits"] = [(bad_benefits.name, bad_benefits.read_bytes())]
    at.text_input(key="plan_name").input("Sample plan").run()
    at.button(key="build_pack").click().run()
    assert not at.exception
    messages = " ".join(e.value for e in at.error)
    assert "row 3, column 'side'" in messages.replace("\\", "")
    assert "dental" in messages
    assert "benefits_bad.xlsx" in messages.replace("\\", "")
    assert "paritykit-app-" not in messages


def test_advocate_asks_for_a_file_first():
    at = _app()
    at.button(key="build_pack").click().run()
    assert "Upload a benefits template" in at.error[0].value


def test_regulator_follows_the_plan_type_and_state():
    at = _app()
    at.selectbox(key="plan_type").set_value("erisa_self_funded").run()
    at.selectbox(key="state").set_value("TX").run()
    shown = " ".join(i.value for i in at.info)
    assert "Employee Benefits Security Administration" in shown or "EBSA" in shown, shown
    assert "Texas Department of Insurance" not in shown


def test_practice_shows_scorecard_denials_and_a_letter(demo):
    import datetime as dt

    at = _app("Practice")
    files = [(p.name, p.read_bytes()) for p in sorted(demo["remits"].glob("*.835"))]
    at.session_state["test_upload_remits"] = files
    at.date_input(key="as_of").set_value(dt.date(YEAR, 6, 30)).run()
    at.button(key="read_remits").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    result = at.session_state["practice_result"]
    assert len(result.scorecard_table) == 4  # four payers
    assert len(at.dataframe) >= 2
    claims = at.selectbox(key="letter_claim").options
    assert claims
    at.button(key="draft_letter").click().run()
    assert not at.exception
    claim, files, summary = at.session_state["appeal_letter"]
    assert any(name.endswith(".docx") for name in files)
    assert claim in summary


def test_practice_bad_file_shows_its_message(tmp_path):
    at = _app("Practice")
    at.session_state["test_upload_remits"] = [("broken.835", b"not an 835 at all")]
    at.button(key="read_remits").click().run()
    assert not at.exception
    assert at.error and "broken" in at.error[0].value


def test_analyst_points_to_notebooks_and_the_api():
    at = _app("Analyst")
    text = _texts(at)
    assert "notebooks" in text and "build_evidence_pack" in text


def test_page_writes_nothing_outside_a_temporary_folder(demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    at = _app("Practice")
    at.session_state["test_upload_remits"] = [
        (p.name, p.read_bytes()) for p in sorted(demo["remits"].glob("*.835"))[:2]
    ]
    at.button(key="read_remits").click().run()
    assert not at.exception
    assert list(Path(tmp_path).iterdir()) == []

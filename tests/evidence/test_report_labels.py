"""The report document says coded values with the one label table (paritykit.vocab.LABELS).

Every plan type, classification, severity and requirement type reads as words; none reaches
the page as its code (a CHIP plan was once described as "chip, Ohio").
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from paritykit import vocab
from paritykit.evidence import report_document as R


@pytest.mark.parametrize("plan_type", vocab.PLAN_TYPES)
def test_every_plan_type_is_described_in_words(plan_type: str) -> None:
    facts = SimpleNamespace(plan_type=plan_type, state_name="Ohio", sponsor="", administrator="")
    text = R._plan_description(facts)
    assert text == f"{vocab.LABELS[plan_type]}, Ohio."
    assert not text.startswith(plan_type)  # the code itself, as "chip, Ohio." was


def test_classifications_severities_and_requirements_read_as_words() -> None:
    for code in vocab.CLASSIFICATIONS:
        assert R.classification_label(code) == vocab.LABELS[code]
    assert R._where("outpatient_in_network", "office_visits") == (
        "Outpatient, in network, office visits"
    )
    assert R._unit_label("self_only") == "self-only coverage"
    assert R.level_text("out_of_pocket_max", 0.0) == "no out-of-pocket maximum"
    assert vocab.label_for("depends_on_payments") == "Depends on the plan's projected payments"
    for code in ("noncompliant", "warning_sign", "insufficient", "review", "depends_on_payments"):
        assert not vocab.is_code(vocab.label_for(code))

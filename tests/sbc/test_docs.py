"""docs/sbc.md quotes messages and names the code still has."""

from __future__ import annotations

from pathlib import Path

import pytest

from paritykit.errors import InputFileError
from paritykit.load.sbc import ENTRY_COLUMNS, SBC_EXTRA_COLUMNS, read_sbc

PAGE = Path(__file__).resolve().parents[2] / "docs" / "sbc.md"


def test_quoted_messages_are_the_codes(sbc_corpus: dict, sbc_reads: dict) -> None:
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    with pytest.raises(InputFileError) as raised:
        read_sbc(sbc_corpus["scanned"])
    for fragment in (
        "the PDF has no text layer",
        "ocrmypdf in.pdf out.pdf",
        "paritykit template benefits PLAN.xlsx",
    ):
        assert fragment in text
    assert "the PDF has no text layer" in str(raised.value)
    assert "ocrmypdf in.pdf out.pdf" in str(raised.value)
    problems = sbc_reads["tiered_2020"].problems["problem"]
    assert "the page has no text layer" in text
    assert problems.str.contains("the page has no text layer").any()


def test_documented_columns_exist() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for name in SBC_EXTRA_COLUMNS:
        assert f"`{name}`" in text
    for status in ("in_benefits", "not_covered", "excluded", "other_column", "unread"):
        assert f"`{status}`" in text
    assert "status" in ENTRY_COLUMNS

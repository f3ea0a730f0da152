"""What read_sbc does with files it cannot read: a clear error saying what to do."""

from __future__ import annotations

import pytest

from paritykit.errors import InputFileError
from paritykit.load.sbc import read_sbc


def test_a_scanned_sbc_says_it_has_no_text_layer(sbc_corpus: dict) -> None:
    with pytest.raises(InputFileError, match="no text layer") as raised:
        read_sbc(sbc_corpus["scanned"])
    message = str(raised.value)
    assert "scanned.pdf" in message
    assert "optical character recognition" in message and "paritykit template benefits" in message


def test_a_file_that_is_not_a_pdf(tmp_path) -> None:
    fake = tmp_path / "sbc.pdf"
    fake.write_text("<html>Summary of Benefits and Coverage</html>")
    with pytest.raises(InputFileError, match="not a PDF file"):
        read_sbc(fake)


def test_missing_empty_and_folder(tmp_path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_sbc(tmp_path / "missing.pdf")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty"):
        read_sbc(empty)
    with pytest.raises(InputFileError, match="folder"):
        read_sbc(tmp_path)


def test_a_damaged_pdf(tmp_path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with pytest.raises(InputFileError, match=r"could not be read|no text layer|no SBC chart"):
        read_sbc(broken)


def test_a_pdf_that_is_not_an_sbc(tmp_path) -> None:
    import weasyprint

    other = tmp_path / "letter.pdf"
    weasyprint.HTML(string="<p>Dear member, your claim was paid.</p>").write_pdf(other)
    with pytest.raises(InputFileError, match="no SBC chart found"):
        read_sbc(other)

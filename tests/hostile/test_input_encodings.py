"""Hostile input: every text encoding is read or refused by name; cut-short files say so."""

from __future__ import annotations

import pytest

import paritykit as pk
from paritykit.load.text import decode_bytes

from . import input_corpus as corpus
from ._cli import error_line, run


def test_latin1_billing_mapping_is_read_with_a_note(tmp_path):
    export = corpus.latin1_export(tmp_path)
    mapping = corpus.latin1_mapping(tmp_path)
    with pytest.warns(pk.ParityKitWarning, match=r"not UTF-8 .*read as Windows-1252"):
        result = pk.read_billing_export(export, mapping=mapping)
    assert result.claims["plan_id"].tolist() == ["Example Payer"]  # 'Payer Nâme' matched


def test_latin1_comparative_analysis_is_read_with_a_note(tmp_path):
    path = corpus.latin1_analysis(tmp_path)
    with pytest.warns(pk.ParityKitWarning, match=r"line 5\); read as Windows-1252"):
        answers = pk.read_comparative_analysis(path)
    assert answers.loc[0, "description"] == "Révision concurrente des séjours"


def test_utf16_with_bom_is_read(tmp_path):
    benefits = pk.read_benefits(corpus.utf16_benefits(tmp_path))
    assert benefits["benefit"].tolist() == ["Office visit", "Psychotherapy"]


def test_utf16_without_bom_is_refused_by_name(tmp_path):
    path = corpus.utf16_benefits(tmp_path, bom=False)
    line = error_line(run(["qtl", path]))
    assert f"{path}: the file looks like UTF-16 text without a byte-order mark" in line


def test_utf16_claims_csv_is_refused_by_name(tmp_path):
    path = corpus.utf16_claims(tmp_path)
    line = error_line(run(["outcomes", path, "--json"]))
    assert f"claims CSV {path} is UTF-16 text" in line


def test_utf32_and_binary_are_refused_by_name():
    with pytest.raises(pk.InputFileError, match="is UTF-32 text"):
        decode_bytes("a,b\n".encode("utf-32"), "x.csv")
    with pytest.raises(pk.InputFileError, match=r"binary data \(a NUL byte at byte 3\)"):
        decode_bytes(b"abc\x00\x01\x02def" * 100, "x.csv")


def test_cut_short_csv_says_cut_short(tmp_path):
    path = corpus.cut_short_csv(tmp_path)
    line = error_line(run(["qtl", path]))
    assert f"{path}: the file ends inside a quoted field" in line and "cut short" in line


def test_cut_short_utf8_character_says_cut_short(tmp_path):
    path = corpus.cut_short_utf8(tmp_path)
    with pytest.raises(pk.InputFileError, match="ends in the middle of a UTF-8 character"):
        pk.read_benefits(path)


def test_cut_short_workbook_says_so(tmp_path):
    path = corpus.cut_short_xlsx(tmp_path)
    line = error_line(run(["qtl", path]))
    assert f"{path}: not a readable Excel workbook" in line and "cut short" in line


def test_cut_short_parquet_says_cut_short(tmp_path):
    path = corpus.cut_short_parquet(tmp_path)
    line = error_line(run(["outcomes", path, "--json"]))
    assert f"claims file {path}: the Parquet file is cut short" in line

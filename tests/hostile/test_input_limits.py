"""Hostile input: resource exhaustion is refused quickly, with a message naming the file."""

from __future__ import annotations

import time
import warnings

import pytest

import paritykit as pk
from paritykit.load.text import MAX_CONFIG_BYTES, guess_delimiter, load_yaml

from . import input_corpus as corpus
from ._cli import error_line, run


def test_plan_facts_billion_laughs_is_refused(tmp_path):
    path = corpus.plan_facts_bomb(tmp_path)
    start = time.perf_counter()
    with pytest.raises(pk.InputFileError) as info:
        pk.read_plan_facts(path)
    assert time.perf_counter() - start < 5
    message = str(info.value)
    assert str(path) in message and "billion laughs" in message


def test_billing_mapping_billion_laughs_is_one_error_line(tmp_path):
    export = corpus.billing_export(tmp_path, [corpus.billing_line()])
    mapping = corpus.mapping_bomb(tmp_path)
    result = run(["payers", "--billing", export, "--mapping", mapping, "--out", tmp_path / "o"])
    line = error_line(result)
    assert str(mapping) in line and "aliases are followed" in line


def test_too_many_aliases_are_refused_before_expansion():
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 50) + "]\n"
    assert len(load_yaml(text, "ok.yaml")["b"]) == 50
    with pytest.raises(pk.InputFileError, match=r"more than 10 aliases \(line 2\)"):
        load_yaml(text, "many.yaml", max_aliases=10)


def test_recursive_yaml_alias_is_refused():
    with pytest.raises(pk.InputFileError, match="refers to itself"):
        load_yaml("a: &a [*a]\n", "loop.yaml")


def test_oversized_plan_facts_file_is_refused_by_size(tmp_path):
    path = corpus.huge_plan_facts(tmp_path)
    assert path.stat().st_size > MAX_CONFIG_BYTES
    with pytest.raises(pk.InputFileError, match=r"reads plan facts files up to 8,388,608"):
        pk.read_plan_facts(path)


def test_million_character_field_is_refused_fast_with_line_and_column(tmp_path):
    path = corpus.million_char_field_benefits(tmp_path)
    start = time.perf_counter()
    result = run(["qtl", path])
    elapsed = time.perf_counter() - start
    line = error_line(result)
    assert f"{path}: line 2, column 'benefit': a field longer than 131,072 characters" in line
    assert elapsed < 3, f"took {elapsed:.1f} s"


def test_million_character_quoted_field_in_billing_export_is_fast(tmp_path):
    path = corpus.million_char_field_billing(tmp_path)
    start = time.perf_counter()
    with pytest.raises(pk.InputFileError) as info:
        pk.read_billing_export(path, mapping="therapynotes_like")
    assert time.perf_counter() - start < 3
    assert f"{path}: line 3" in str(info.value) and "131,072" in str(info.value)


@pytest.mark.parametrize("chars", [20_000, 80_000])
def test_delimiter_guess_is_linear_in_a_long_header(chars):
    # csv.Sniffer needs seconds on ',"x' repeated 8,000 times and grows with the square
    line = 'a,"' + ',"x' * chars
    start = time.perf_counter()
    assert guess_delimiter(line) == ","
    assert time.perf_counter() - start < 0.5


def test_long_fields_under_the_limit_still_read(tmp_path):
    path = corpus.million_char_field_benefits(tmp_path, chars=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        benefits = pk.read_benefits(path)
    assert len(benefits.loc[0, "benefit"]) == 100_000

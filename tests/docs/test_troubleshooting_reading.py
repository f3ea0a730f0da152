"""docs/troubleshooting.md, "Reading files: encodings, sizes and sheets", quotes messages the code
still gives.

Each case triggers one message through the library with a file of the hostile-input corpus and
checks that the quoted fragment occurs both in the message and on the page.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import paritykit as pk
from paritykit.load.billing import load_billing_mapping
from paritykit.load.text import decode_bytes, load_yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests folder: tests.hostile
from hostile import input_corpus as corpus

PAGE = Path(__file__).resolve().parents[2] / "docs" / "troubleshooting.md"
SECTION = "## Reading files: encodings, sizes and sheets"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _message(trigger: Callable[[Path], object], tmp: Path) -> str:
    """The error message, or the warnings' text when the call succeeds with a note."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            trigger(tmp)
        except pk.ParityKitError as exc:
            return str(exc)
    return " | ".join(str(w.message) for w in caught if issubclass(w.category, pk.ParityKitWarning))


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _claims_check(frame: pd.DataFrame) -> Callable[[Path], object]:
    return lambda tmp: pk.validate_claims(pk.scan_claims(frame))


def _benefits(**changes: object) -> Callable[[Path], object]:
    rows = [dict(r) for r in corpus.BENEFIT_ROWS]
    rows[0].update(changes)
    return lambda tmp: pk.read_benefits(pd.DataFrame(rows))


CASES: list[tuple[str, str, Callable[[Path], object]]] = [
    (
        "billion laughs",
        "the YAML expands to more than 1,000,000 nodes once its",
        lambda tmp: pk.read_plan_facts(corpus.plan_facts_bomb(tmp)),
    ),
    (
        "many aliases",
        "the YAML uses more than 1,000 aliases (line",
        lambda tmp: load_yaml("a: &a x\nb: [" + ", ".join(["*a"] * 1001) + "]\n", "m.yaml"),
    ),
    (
        "config too large",
        "paritykit reads plan facts files up to 8,388,608 bytes.",
        lambda tmp: pk.read_plan_facts(corpus.huge_plan_facts(tmp)),
    ),
    (
        "long field",
        "line 2, column 'benefit': a field longer than 131,072 characters; paritykit reads "
        "fields up to 131,072 characters.",
        lambda tmp: pk.read_benefits(corpus.million_char_field_benefits(tmp)),
    ),
    (
        "open quote",
        "the file ends inside a quoted field (a '\"' opened by line",
        lambda tmp: pk.read_benefits(corpus.cut_short_csv(tmp)),
    ),
    (
        "cut UTF-8",
        "the file ends in the middle of a UTF-8 character (byte",
        lambda tmp: pk.read_benefits(corpus.cut_short_utf8(tmp)),
    ),
    (
        "Latin-1 note",
        "read as Windows-1252 (cp1252). Check accented letters; save the file as UTF-8 to avoid "
        "this note.",
        lambda tmp: load_billing_mapping(corpus.latin1_mapping(tmp)),
    ),
    (
        "UTF-16 without BOM",
        "the file looks like UTF-16 text without a byte-order mark (every other byte is 0)",
        lambda tmp: pk.read_benefits(corpus.utf16_benefits(tmp, bom=False)),
    ),
    (
        "UTF-16 claims",
        "is UTF-16 text (it starts with a UTF-16 byte-order mark); claims CSV files must be UTF-8.",
        lambda tmp: pk.scan_claims(corpus.utf16_claims(tmp)),
    ),
    (
        "binary",
        "the file holds binary data (a NUL byte at byte",
        lambda tmp: decode_bytes(b"abcdefg\x00" * 10, "report.csv"),
    ),
    (
        "cut-short Parquet",
        "the Parquet file is cut short (it does not end with the Parquet footer 'PAR1';",
        lambda tmp: pk.scan_claims(corpus.cut_short_parquet(tmp)),
    ),
    (
        "not Parquet",
        "not a Parquet file (it does not start with 'PAR1')",
        lambda tmp: pk.read_benefits(_write(tmp / "x.pq", b"hello, not parquet")),
    ),
    (
        "cut-short workbook",
        "the file is not a complete .xlsx (it may be cut short, or not a workbook)",
        lambda tmp: pk.read_benefits(corpus.cut_short_xlsx(tmp)),
    ),
    (
        "duplicated header",
        "the header row (row 1) names the column 'level' twice: 'level' in column F and "
        "'Level' in column H.",
        lambda tmp: pk.read_benefits(corpus.duplicated_header_csv(tmp)),
    ),
    (
        "duplicated billing header",
        "names the column 'Charge' twice (columns 8 and 15)",
        lambda tmp: pk.read_billing_export(
            corpus.duplicated_header_export(tmp), mapping="therapynotes_like"
        ),
    ),
    (
        "hidden sheet",
        "sheet 'Benefits' is hidden and was not read; read the visible sheet 'Benefits 2026' "
        "instead",
        lambda tmp: pk.read_benefits(corpus.hidden_benefits_sheet(tmp)),
    ),
    (
        "uncached formula",
        "sheet 'Benefits': 1 formula cell(s) have no saved result (F2 =10*2)",
        lambda tmp: pk.read_benefits(corpus.uncached_formula_workbook(tmp)),
    ),
    (
        "decimal comma",
        "row 2, column 'level': level is written with a decimal comma (or misplaced thousands "
        "separators) (found '12,5')",
        lambda tmp: pk.read_benefits(corpus.decimal_comma_benefits(tmp)),
    ),
    (
        "implausible level",
        "column 'level': level is implausibly large (more than 1,000,000,000) (found '1e300')",
        _benefits(level="1e300"),
    ),
    (
        "control characters",
        "removed control characters (invisible characters such as NUL, escape or zero-width "
        "spaces) from 1 cell(s): row 2 column 'plan_id'",
        lambda tmp: pk.read_benefits(corpus.control_character_benefits(tmp)),
    ),
    (
        "implausible amount",
        "'paid_amount' implausibly large (more than 1,000,000,000 dollars on one line) on 1 "
        "line(s), e.g. '1e+300' (claim C1 line 1)",
        _claims_check(corpus.claims_frame(paid_amount=1e300)),
    ),
    (
        "line number fraction",
        "'line_number' not a whole number on 1 line(s), e.g. '1.5'",
        lambda tmp: pk.read_billing_export(
            corpus.line_numbers_export(tmp), mapping="therapynotes_like"
        ),
    ),
    (
        "line number not positive",
        "'line_number' not a positive line number on 2 line(s)",
        lambda tmp: pk.read_billing_export(
            corpus.line_numbers_export(tmp), mapping="therapynotes_like"
        ),
    ),
    (
        "two-digit year",
        "'service_date' a year before 1900 or after 2100 (a two-digit year read as a four-digit "
        "one?)",
        _claims_check(corpus.claims_frame(service_date="0024-03-04")),
    ),
]


@pytest.mark.parametrize(("fragment", "trigger"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_documented_reading_message_is_given(tmp_path, fragment, trigger):
    message = _flat(_message(trigger, tmp_path))
    assert fragment in message, (
        f"the code no longer says {fragment!r}; it says {message!r}. Update "
        "docs/troubleshooting.md and this test."
    )
    page = PAGE.read_text(encoding="utf-8")
    section = page[page.index(SECTION) :].split("\n## ", 1)[0]
    assert fragment in _flat(section), f"the reading section does not quote {fragment!r}"

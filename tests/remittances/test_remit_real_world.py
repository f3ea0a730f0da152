"""What real payers' files do to a reader: each case below lost claims or money before.

Each test builds the smallest 835 that shows one behaviour seen in payers' and clearinghouses'
files (reversals before corrections, indented segments, claim-level adjustments, folders mixing
835s with acknowledgments, the same remittance downloaded twice).
"""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest

from paritykit import DataValidationError, InputFileError, read_835
from paritykit import columns as C

ORIGINAL = [  # paid 120 on a 200 charge
    "CLP*R1*1*200.00*120.00*20.00*12*ICN-1*11*1",
    "SVC*HC:90837*200.00*120.00**1",
    "DTM*472*20240205",
    "CAS*CO*45*60.00",
    "CAS*PR*3*20.00",
]
REVERSAL = [  # negates the original exactly
    "CLP*R1*22*-200.00*-120.00*-20.00*12*ICN-1*11*1",
    "SVC*HC:90837*-200.00*-120.00**1",
    "DTM*472*20240205",
    "CAS*CO*45*-60.00",
    "CAS*PR*3*-20.00",
]
CORRECTION = [  # same claim number and control number, reprocessed: now pays 180
    "CLP*R1*1*200.00*180.00*20.00*12*ICN-1*11*1",
    "SVC*HC:90837*200.00*180.00**1",
    "DTM*472*20240205",
    "CAS*PR*3*20.00",
]


def _file(x12, tmp_path: Path, name: str, body: list[str], *, total: str, date: str) -> Path:
    head = x12.header(total)
    head[0] = head[0].replace("20240301", date)
    head[1] = head[1].replace("TRACE001", f"TRACE-{date}")
    path = tmp_path / name
    path.write_text(x12.render(head + body), encoding="ascii")
    return path


@pytest.mark.parametrize("order", ["original first", "correction first"])
def test_reversal_cancels_the_original_never_the_correction(
    x12, tmp_path: Path, order: str
) -> None:
    jan = _file(x12, tmp_path, "jan.835", ORIGINAL, total="120.00", date="20240301")
    feb = _file(x12, tmp_path, "feb.835", REVERSAL + CORRECTION, total="60.00", date="20240401")
    r = read_835([jan, feb] if order == "original first" else [feb, jan])
    assert r.claims[C.PAID_AMOUNT].tolist() == [180.0]  # the $180 correction stays
    assert r.claims[C.PAYMENT_NUMBER].tolist() == ["TRACE-20240401"]
    (rev,) = r.reversals.to_dict("records")
    assert rev[C.MATCHED]
    assert Path(rev[C.ORIGINAL_SOURCE_FILE]).name == "jan.835"
    assert r.n_claims == 1


@pytest.mark.parametrize("order", ["original first", "correction first"])
def test_correction_with_the_original_amounts_keeps_one_claim(
    x12, tmp_path: Path, order: str
) -> None:
    """A correction that repeats the original's amounts: the earlier payment is cancelled."""
    jan = _file(x12, tmp_path, "jan.835", ORIGINAL, total="120.00", date="20240301")
    feb = _file(x12, tmp_path, "feb.835", REVERSAL + ORIGINAL, total="0", date="20240401")
    r = read_835([jan, feb] if order == "original first" else [feb, jan])
    assert r.claims[C.PAYMENT_NUMBER].tolist() == ["TRACE-20240401"]
    assert r.claims[C.PAID_AMOUNT].sum() == 120.0


def test_reversal_matches_only_negated_amounts(make_835) -> None:
    odd = REVERSAL[:1] + ["SVC*HC:90837*-200.00*-120.00**1", "CAS*CO*45*-60.00", "CAS*PR*3*-20.00"]
    r = read_835(make_835(CORRECTION + odd, total="60.00"))
    assert r.claims[C.PAID_AMOUNT].tolist() == [180.0]
    assert r.reversals[C.MATCHED].tolist() == [False]
    assert "original payment is not in the files read" in " ".join(r.problems["problem"])


# --- folders -------------------------------------------------------------------------------
ACK_999 = (
    "ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*TESTPRACTICE   *240301*1200*^*00501*"
    "000000009*0*T*:~GS*FA*CH*TP*20240301*1200*9*X*005010X231A1~ST*999*0001*005010X231A1~"
    "AK1*HC*1*005010X222A1~AK9*A*1*1*1~SE*4*0001~GE*1*9~IEA*1*000000009~"
)


def test_folder_goes_on_past_an_unreadable_file_and_a_999(make_835, tmp_path: Path) -> None:
    make_835(ORIGINAL, total="120.00", name="a.835")
    good = make_835(["CLP*D1*4*150.00*0*0*12*ICN-D*11*1", "CAS*CO*197*150.00"], name="c.835")
    cut = good.read_text()
    (tmp_path / "b.835").write_text(cut[: cut.index("CAS*CO*197")], encoding="ascii")
    (tmp_path / "ack.999").write_text(ACK_999, encoding="ascii")
    (tmp_path / "notes.txt").write_text("call payer on Monday\n", encoding="ascii")
    r = read_835(tmp_path)
    assert sorted(Path(f).name for f in r.files) == ["a.835", "c.835"]
    assert set(r.claims[C.CLAIM_ID]) == {"R1", "D1"}  # the denial after the bad file is read
    skipped = r.skipped.set_index(r.skipped[C.SOURCE_FILE].map(lambda f: Path(f).name))
    assert skipped.loc["ack.999", C.TRANSACTION_SET] == "999"
    assert "999 implementation acknowledgment, not a remittance" in skipped.loc["ack.999", "reason"]
    assert skipped.loc["b.835", C.SEGMENT_NUMBER] > 0
    assert "no IEA" in skipped.loc["b.835", "reason"]
    assert "not an X12 file" in skipped.loc["notes.txt", "reason"]
    assert "2 file(s) read, 3 skipped" in r.summary()
    assert set(
        r.problems.loc[r.problems[C.ACTION] == "file skipped", "file"].map(lambda f: Path(f).name)
    ) == {"ack.999", "b.835", "notes.txt"}


def test_files_are_recognised_by_content_not_extension(make_835, tmp_path: Path) -> None:
    make_835(ORIGINAL, total="120.00", name="REMIT0001.dat")
    make_835(["CLP*D1*4*150.00*0*0*12*ICN-D*11*1", "CAS*CO*197*150.00"], name="ERA_20240301")
    r = read_835(tmp_path)
    assert sorted(Path(f).name for f in r.files) == ["ERA_20240301", "REMIT0001.dat"]
    assert r.skipped.empty


def test_a_single_non_835_file_says_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "ack.edi"
    path.write_text(ACK_999, encoding="ascii")
    with pytest.raises(InputFileError, match=r"999 implementation acknowledgment, not a remitt"):
        read_835(path)


def test_only_unreadable_files_is_an_error_naming_each(tmp_path: Path) -> None:
    (tmp_path / "a.835").write_text("ISA*00*bad", encoding="ascii")
    (tmp_path / "b.999").write_text(ACK_999, encoding="ascii")
    with pytest.raises(InputFileError, match=r"none of the 2 file\(s\).*a\.835.*b\.999"):
        read_835(tmp_path)


# --- text layout ---------------------------------------------------------------------------
def test_bom_crlf_indentation_and_blank_lines(make_835, tmp_path: Path) -> None:
    text = make_835(ORIGINAL, total="120.00").read_text()
    pretty = "\ufeff" + "\r\n\r\n".join("    " + s for s in text.split("\n") if s) + "\r\n"
    path = tmp_path / "pretty.835"
    path.write_bytes(pretty.encode("utf-8"))
    r = read_835(path)
    assert r.claims[C.PAID_AMOUNT].tolist() == [120.0]
    assert r.problems.empty


def test_newline_terminated_segments_with_blank_lines(make_835, write_835_text) -> None:
    text = make_835(ORIGINAL, total="120.00", terminator="\n").read_text()
    r = read_835(write_835_text(text.replace("\n", "\n\n  ")))
    assert r.claims[C.PAID_AMOUNT].tolist() == [120.0]


def test_utf16_file(make_835, tmp_path: Path) -> None:
    text = make_835(ORIGINAL, total="120.00").read_text()
    path = tmp_path / "utf16.835"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert read_835(path).claims[C.PAID_AMOUNT].tolist() == [120.0]


def test_damaged_segment_message_names_the_real_cause(make_835, write_835_text) -> None:
    text = make_835(ORIGINAL, total="120.00").read_text().replace("DTM*472", "dtm 472")
    with pytest.raises(DataValidationError, match="segment 11: not a segment") as err:
        read_835(write_835_text(text))
    assert "separators declared in ISA" not in str(err.value)


# --- claim-level adjustments ---------------------------------------------------------------
CLAIM_LEVEL_DENIAL = [  # CAS before SVC: the payer denies the whole claim at claim level
    "CLP*P1*1*300.00*0*0*12*ICN-P*11*1",
    "CAS*CO*197*300.00",
    "SVC*HC:90837*200.00*0**1",
    "DTM*472*20240205",
    "SVC*HC:90785*100.00*0**1",
    "DTM*472*20240205",
]


def test_claim_level_adjustments_keep_the_claim_and_give_the_reason(make_835) -> None:
    r = read_835(make_835(CLAIM_LEVEL_DENIAL))
    assert r.claims[C.STATUS].tolist() == ["denied", "denied"]
    assert r.claims[C.DENIAL_REASON].tolist() == ["197", "197"]
    notes = r.problems
    assert notes[C.ACTION].tolist() == ["kept", "kept"]
    assert notes["column"].tolist() == ["SVC02-SVC03-CAS"] * 2
    assert "the claim balances with its claim-level adjustments" in notes["problem"][0]
    assert r.claims_excluded == 0


def test_claim_level_write_off_with_a_paid_line(make_835) -> None:
    claim = [
        "CLP*P2*1*300.00*120.00*0*12*ICN-P2*11*1",
        "CAS*CO*45*80.00",
        "SVC*HC:90837*200.00*120.00**1",
        "SVC*HC:90785*100.00*0**1",
        "CAS*CO*97*100.00",
    ]
    r = read_835(make_835(claim, total="120.00"))
    assert r.claims[C.STATUS].tolist() == ["paid", "denied"]
    assert r.claims[C.DENIAL_REASON].tolist()[1] == "97"


# --- $0 lines are never silently paid ------------------------------------------------------
def _zero_line(group: str, code: str) -> list[str]:
    return [
        "CLP*Z1*1*100.00*0*0*12*ICN-Z*11*1",
        "SVC*HC:90834*100.00*0**1",
        f"CAS*{group}*{code}*100.00",
    ]


def test_zero_paid_with_a_code_the_table_lacks_is_denied_unknown(make_835) -> None:
    r = read_835(make_835(_zero_line("OA", "Z99")))
    assert r.claims[C.STATUS].tolist() == ["denied"]
    assert r.claims[C.DENIAL_REASON].tolist() == ["Z99"]
    (note,) = r.problems["problem"].tolist()
    assert "OA-Z99, a code the CARC table" in note and "reason category unknown" in note


def test_zero_paid_contractual_write_off_is_not_denied_but_noted(make_835) -> None:
    r = read_835(make_835(_zero_line("CO", "45")))
    assert r.claims[C.STATUS].tolist() == ["paid"]
    (note,) = r.problems["problem"].tolist()
    assert note.startswith("paid $0 with CO-45, which the CARC table")


def test_zero_paid_to_the_deductible_is_neither_denied_nor_noted(make_835) -> None:
    claim = [
        "CLP*Z2*1*100.00*0*80.00*12*ICN-Z2*11*1",
        "SVC*HC:90834*100.00*0**1",
        "CAS*CO*45*20.00",
        "CAS*PR*1*80.00",
    ]
    r = read_835(make_835(claim))
    assert r.claims[C.STATUS].tolist() == ["paid"]
    assert r.problems.empty


# --- counting claims -----------------------------------------------------------------------
def test_claims_are_counted_as_claims_not_distinct_claim_numbers(make_835) -> None:
    body = []
    for i in range(9):  # nine claims that all carry the same patient account number
        body += [
            f"CLP*SAMEACCT*1*100.00*80.00*0*12*ICN-{i}*11*1",
            "SVC*HC:90834*100.00*80.00**1",
            f"DTM*472*202402{i + 1:02d}",
            "CAS*CO*45*20.00",
        ]
    r = read_835(make_835(body, total="720.00"))
    assert r.n_claims == 9
    assert r.claims[C.CLAIM_KEY].nunique() == 9
    assert "claims: 9 (9 claim lines)" in r.summary()


def test_the_same_remittance_read_twice_counts_once(make_835, tmp_path: Path) -> None:
    first = make_835(ORIGINAL, total="120.00", name="era.835")
    copy = tmp_path / "era (1).835"
    shutil.copy(first, copy)
    r = read_835([first, copy])
    assert r.claims[C.PAID_AMOUNT].tolist() == [120.0]
    assert r.duplicates == 1
    dup = r.problems[r.problems[C.ACTION] == "excluded"]
    assert Path(dup["file"].iloc[0]).name == "era (1).835"
    assert "same payer, trace number TRACE001 and claim" in dup["problem"].iloc[0]
    assert "read twice and counted once: 1" in r.summary()

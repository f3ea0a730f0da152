"""read_835 rules and failures on small hand-built 835 files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from paritykit import ConfigurationError, DataValidationError, InputFileError, read_835
from paritykit import columns as C

PAID = [  # one 90837 claim: 200 charged, 140 allowed, 20 copay, 120 paid
    "CLP*A1*1*200.00*120.00*20.00*12*CTRL-A1*11*1",
    "NM1*QC*1*SYNTHETIC*PATIENT****MI*M1",
    "SVC*HC:90837:95*200.00*120.00**1",
    "DTM*472*20240205",
    "CAS*CO*45*60.00",
    "CAS*PR*3*20.00",
    "AMT*B6*140.00",
]
DENIED = [  # a claim denied in full for lack of authorization
    "CLP*B2*4*150.00*0*0*12*CTRL-B2*11*1",
    "SVC*HC:90834*150.00*0**1",
    "DTM*472*20240206",
    "CAS*CO*197*150.00",
]


def test_reads_a_simple_file(make_835) -> None:
    r = read_835(make_835(PAID + DENIED, total="120.00"))
    c = r.claims.set_index(C.CLAIM_ID)
    assert c.loc["A1", C.STATUS] == "paid"
    assert c.loc["A1", C.PROCEDURE_CODE] == "90837"
    assert c.loc["A1", C.PROCEDURE_MODIFIERS] == "95"
    assert c.loc["A1", C.PLACE_OF_SERVICE] == "11"
    assert c.loc["A1", C.ALLOWED_AMOUNT] == 140.0
    assert c.loc["A1", C.PLAN_ID] == "TEST PAYER"
    assert c.loc["A1", C.PAYER_ID] == "TP01"
    assert c.loc["A1", C.PAYMENT_NUMBER] == "TRACE001"
    assert c.loc["A1", C.PAYMENT_DATE] == pd.Timestamp("2024-03-01")
    assert c.loc["A1", C.MEMBER_ID] == "M1"
    assert c.loc["B2", C.STATUS] == "denied"
    assert c.loc["B2", C.DENIAL_REASON] == "197"
    assert r.problems.empty
    assert len(r.adjustments) == 3


@pytest.mark.parametrize(
    ("element", "component", "terminator", "repetition", "line_breaks"),
    [
        ("*", ":", "~", "^", True),
        ("*", ":", "~", "^", False),
        ("|", ">", "\\", "^", False),
        ("+", "^", "'", "{", True),
        ("*", ":", "\n", "^", False),
    ],
)
def test_any_separators_declared_in_isa(
    make_835, element, component, terminator, repetition, line_breaks
) -> None:
    path = make_835(
        PAID + DENIED,
        total="120.00",
        element=element,
        component=component,
        terminator=terminator,
        repetition=repetition,
        line_breaks=line_breaks,
    )
    r = read_835(path)
    assert sorted(r.claims[C.CLAIM_ID]) == ["A1", "B2"]
    assert r.claims.set_index(C.CLAIM_ID).loc["A1", C.PROCEDURE_MODIFIERS] == "95"
    assert r.problems.empty


def test_crlf_line_breaks(make_835, write_835_text) -> None:
    text = make_835(PAID, total="120.00").read_text().replace("\n", "\r\n")
    r = read_835(write_835_text(text))
    assert r.claims[C.CLAIM_ID].tolist() == ["A1"]


def test_several_interchanges_with_different_separators_in_one_file(
    make_835, write_835_text
) -> None:
    first = make_835(PAID, total="120.00").read_text()
    second = make_835(
        DENIED, total="0", element="|", component=">", terminator="~", line_breaks=False, control=2
    ).read_text()
    r = read_835(write_835_text(first + second))
    assert sorted(r.claims[C.CLAIM_ID]) == ["A1", "B2"]


def test_several_transaction_sets_in_one_interchange(write_835_text) -> None:
    one = ["ST*835*0001", "BPR*I*120.00*C*ACH*CCP*01*1*DA*1*1**01*1*DA*1*20240301",
           "TRN*1*T1*1", "N1*PR*PAYER ONE", "LX*1", *PAID]  # fmt: skip
    two = ["ST*835*0002", "BPR*H*0*C*NON************20240302", "TRN*1*T2*1",
           "N1*PR*PAYER TWO", "LX*1", *DENIED]  # fmt: skip
    segs = [
        "ISA*00*          *00*          *ZZ*TESTPAYER      *ZZ*TESTPRACTICE   *240301*1200*^*00501"
        "*000000001*0*T*:",
        "GS*HP*TESTPAYER*TESTPRACTICE*20240301*1200*1*X*005010X221A1",
        *one,
        f"SE*{len(one) + 1}*0001",
        *two,
        f"SE*{len(two) + 1}*0002",
        "GE*2*1",
        "IEA*1*000000001",
    ]
    r = read_835(write_835_text("~".join(segs) + "~"))
    c = r.claims.set_index(C.CLAIM_ID)
    assert (c.loc["A1", C.PLAN_ID], c.loc["B2", C.PLAN_ID]) == ("PAYER ONE", "PAYER TWO")
    assert c.loc["B2", C.PAYMENT_DATE] == pd.Timestamp("2024-03-02")


# --- malformed files ----------------------------------------------------------------------
def test_truncated_file_names_file_and_segment(public_data, write_835_text) -> None:
    text = (public_data / "x12" / "pyx12_835_mult_loops.835").read_text()
    path = write_835_text(text[:700], name="cut.835")
    with pytest.raises(DataValidationError, match=r"cut\.835, segment \d+") as err:
        read_835(path)
    assert "truncated" in str(err.value)


def test_file_cut_after_a_whole_segment(make_835, write_835_text) -> None:
    lines = make_835(PAID, total="120.00").read_text().splitlines(keepends=True)
    path = write_835_text("".join(lines[:-3]), name="short.835")
    with pytest.raises(DataValidationError, match=r"short\.835, segment 16: .*no IEA"):
        read_835(path)


def test_wrong_separators(make_835, write_835_text) -> None:
    text = make_835(PAID, total="120.00").read_text()
    isa, rest = text.split("\n", 1)
    path = write_835_text(isa + "\n" + rest.replace("*", "|"), name="seps.835")
    with pytest.raises(DataValidationError, match=r"seps\.835, segment 2: not a segment") as err:
        read_835(path)
    assert err.value.problems.loc[0, "row"] == 2


def test_isa_element_separator_must_be_a_delimiter(write_835_text) -> None:
    path = write_835_text("ISAX00X" + "x" * 120 + "~", name="isa.835")
    with pytest.raises(DataValidationError, match=r"isa\.835, segment 1"):
        read_835(path)


def test_missing_clp_before_a_service_line(make_835) -> None:
    path = make_835(PAID[1:], total="120.00", name="noclp.835")
    with pytest.raises(DataValidationError, match=r"noclp\.835, segment 10: .*CLP"):
        read_835(path)


def test_missing_clp_in_the_middle_makes_the_claim_unbalanced(make_835) -> None:
    r = read_835(make_835(PAID + DENIED[1:], total="120.00"))
    assert r.claims.empty
    assert r.problems[C.CLAIM_ID].unique().tolist() == ["A1"]
    assert "does not balance" in r.problems["problem"].iloc[0]


def test_non_numeric_amount_excludes_the_claim_not_the_file(make_835) -> None:
    bad = [PAID[0].replace("200.00", "2OO.00"), *PAID[1:], *DENIED]
    r = read_835(make_835(bad, total="120.00", name="amount.835"))
    assert r.claims[C.CLAIM_ID].tolist() == ["B2"]
    row = r.problems.iloc[0]
    assert (row["row"], row["column"], row["value"], row["problem"]) == (
        9,
        "CLP03",
        "2OO.00",
        "not a number",
    )
    assert (row[C.CLAIM_ID], row[C.ACTION]) == ("A1", "excluded")
    assert r.problem_lines()[0] == (
        f"{r.files[0]}, segment 9, CLP03 = '2OO.00': not a number (expected a decimal amount "
        "like 123.45); claim A1 excluded."
    )


def test_all_value_problems_are_collected(make_835) -> None:
    bad = [PAID[0].replace("120.00", "x"), *PAID[1:3], "DTM*472*20240231", *PAID[4:]]
    r = read_835(make_835(bad, total="120.00"))
    assert r.claims.empty
    excluded = r.problems[r.problems[C.ACTION] == "excluded"]
    assert excluded["column"].tolist() == ["CLP04", "DTM02"]
    assert set(excluded[C.CLAIM_ID]) == {"A1"}


def test_envelope_count_mismatch_is_named_and_the_claims_kept(make_835, write_835_text) -> None:
    text = make_835(PAID, total="120.00").read_text()
    assert "SE*14*0001" in text
    r = read_835(write_835_text(text.replace("SE*14*0001", "SE*13*0001")))
    assert r.claims[C.CLAIM_ID].tolist() == ["A1"]
    (note,) = r.problems["problem"].tolist()
    assert note.startswith("counts differ: SE01 says 13 segments, the transaction set has 14")
    assert "truncated" not in note


def test_envelope_control_numbers_differ(make_835, write_835_text) -> None:
    text = make_835(PAID, total="120.00").read_text()
    r = read_835(write_835_text(text.replace("IEA*1*000000001", "IEA*1*000000002")))
    assert len(r.claims) == 1
    (note,) = r.problems["problem"].tolist()
    assert note == "control numbers differ: ISA13 is 000000001, IEA02 000000002"


def test_not_an_835(make_835, write_835_text) -> None:
    text = make_835(PAID, total="120.00").read_text().replace("ST*835*", "ST*837*")
    with pytest.raises(InputFileError, match=r"X12 837 claim, not a remittance \(835\)"):
        read_835(write_835_text(text))


def test_empty_and_non_x12_and_missing_files(write_835_text, tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="empty"):
        read_835(write_835_text(""))
    with pytest.raises(InputFileError, match="not an X12 file"):
        read_835(write_835_text("claim_id,status\n1,paid\n"))
    with pytest.raises(InputFileError, match="no such file"):
        read_835(tmp_path / "nope.835")
    with pytest.raises(ConfigurationError, match="at least one"):
        read_835([])


def test_same_file_twice_is_refused(make_835) -> None:
    path = make_835(PAID, total="120.00")
    with pytest.raises(ConfigurationError, match="given twice"):
        read_835([path, path])


def test_folder_is_read_in_name_order(make_835, tmp_path: Path) -> None:
    make_835(DENIED, name="b.835")
    make_835(PAID, total="120.00", name="a.835")
    r = read_835(tmp_path)
    assert [Path(f).name for f in r.files] == ["a.835", "b.835"]


# --- claim rules ---------------------------------------------------------------------------
def test_unbalanced_claim_is_excluded_and_reported(make_835) -> None:
    bad = [PAID[0].replace("A1", "U1"), *PAID[1:4], "CAS*CO*45*50.00", *PAID[5:]]
    r = read_835(make_835(bad + DENIED, total="120.00"))
    assert r.claims[C.CLAIM_ID].tolist() == ["B2"]
    assert "U1" not in set(r.adjustments[C.CLAIM_ID])
    prob = r.problems[r.problems[C.CLAIM_ID] == "U1"]
    assert set(prob[C.ACTION]) == {"excluded"}
    assert set(prob["column"]) == {"CLP03-CLP04-CAS", "SVC02-SVC03-CAS"}
    assert "claims excluded (unreadable or unbalanced): 1" in r.summary()


def test_denied_status_with_payment_is_excluded(make_835) -> None:
    odd = ["CLP*Z9*4*100.00*10.00**12*C", "CAS*CO*50*90.00"]
    r = read_835(make_835(odd, total="10.00"))
    assert r.claims.empty
    assert "denied" in r.problems["problem"].iloc[0]


def test_line_paid_zero_with_a_denial_code_is_denied(make_835) -> None:
    claim = [
        "CLP*L1*1*400.00*120.00*20.00*12*CTRL-L1",
        "SVC*HC:H0015*200.00*120.00**1",
        "DTM*472*20240205",
        "CAS*CO*45*60.00",
        "CAS*PR*3*20.00",
        "SVC*HC:H0015*200.00*0**1",
        "DTM*472*20240206",
        "CAS*CO*151*200.00",
    ]
    deductible = [
        "CLP*L2*1*200.00*0*140.00*12*CTRL-L2",
        "SVC*HC:90837*200.00*0**1",
        "DTM*472*20240207",
        "CAS*CO*45*60.00",
        "CAS*PR*1*140.00",
    ]
    r = read_835(make_835(claim + deductible, total="120.00"))
    c = r.claims.set_index([C.CLAIM_ID, C.LINE_NUMBER])
    assert c.loc[("L1", 1), C.STATUS] == "paid"
    assert c.loc[("L1", 2), C.STATUS] == "denied"
    assert c.loc[("L1", 2), C.DENIAL_REASON] == "151"
    assert c.loc[("L2", 1), C.STATUS] == "paid"  # paid 0 for the deductible is not a denial
    assert pd.isna(c.loc[("L2", 1), C.DENIAL_REASON])


def test_denial_reason_prefers_a_denial_code_over_larger_write_offs(make_835) -> None:
    claim = [
        "CLP*D1*4*300.00*0**12*CTRL-D1",
        "SVC*HC:90837*300.00*0**1",
        "CAS*CO*45*150.00",
        "CAS*CO*197*100.00",
        "CAS*PR*1*50.00",
    ]
    r = read_835(make_835(claim))
    row = r.claims.iloc[0]
    assert (row[C.STATUS], row[C.DENIAL_REASON], row[C.DENIAL_GROUP_CODE]) == (
        "denied",
        "197",
        "CO",
    )


def test_user_denial_codes(make_835) -> None:
    claim = ["CLP*Q1*1*100.00*0**12*C", "SVC*HC:90834*100.00*0**1", "CAS*CO*ZZ1*100.00"]
    default = read_835(make_835(claim))
    # a $0 line adjusted with a code the table lacks is never silently paid
    assert default.claims[C.STATUS].tolist() == ["denied"]
    assert "lacks; counted as denied, reason category unknown" in default.problems["problem"][0]
    r = read_835(make_835(claim), denial_codes={"ZZ1"})
    assert r.claims[C.STATUS].tolist() == ["denied"]
    assert r.problems.empty
    assert r.carc_table_version == "user"


def test_allowed_derived_policy(make_835) -> None:
    claim = ["CLP*P1*1*200.00*120.00*20.00*12*C", "SVC*HC:90837*200.00*120.00**1",
             "CAS*CO*45*60.00", "CAS*PR*3*20.00"]  # fmt: skip
    assert read_835(make_835(claim, total="120.00")).claims[C.ALLOWED_AMOUNT].isna().all()
    r = read_835(make_835(claim, total="120.00"), allowed="derived")
    assert r.claims[C.ALLOWED_AMOUNT].tolist() == [140.0]
    with pytest.raises(ConfigurationError):
        read_835(make_835(claim, total="120.00"), allowed="guess")  # type: ignore[arg-type]


def test_revenue_code_line_makes_an_institutional_claim(make_835) -> None:
    claim = ["CLP*I1*1*900.00*900.00**12*C*13*1", "SVC*NU:0914*900.00*900.00**1"]
    row = read_835(make_835(claim, total="900.00")).claims.iloc[0]
    assert row[C.CLAIM_TYPE] == "institutional"
    assert row[C.REVENUE_CODE] == "0914"
    assert pd.isna(row[C.PROCEDURE_CODE])
    assert row[C.BILL_TYPE] == "131"


def test_payment_total_mismatch_is_noted_not_fatal(make_835) -> None:
    r = read_835(make_835(PAID, total="999.00"))
    assert r.claims[C.CLAIM_ID].tolist() == ["A1"]
    assert r.problems["column"].tolist() == ["BPR02"]
    assert r.problems[C.ACTION].tolist() == ["kept"]


# --- reversals -----------------------------------------------------------------------------
REVERSAL = [
    "CLP*A1*22*-200.00*-120.00*-20.00*12*CTRL-A1*11*1",
    "SVC*HC:90837:95*-200.00*-120.00**1",
    "DTM*472*20240205",
    "CAS*CO*45*-60.00",
    "CAS*PR*3*-20.00",
]
CORRECTED = [
    "CLP*A1*1*200.00*126.00*20.00*12*CTRL-A1-2*11*1",
    "SVC*HC:90837:95*200.00*126.00**1",
    "DTM*472*20240205",
    "CAS*CO*45*54.00",
    "CAS*PR*3*20.00",
]


def test_reversal_cancels_the_original_payment(make_835) -> None:
    first = make_835(PAID, total="120.00", name="jan.835")
    second = make_835(REVERSAL + CORRECTED, total="6.00", name="feb.835")
    r = read_835([first, second])
    assert r.claims[C.CLAIM_ID].tolist() == ["A1"]
    assert r.claims[C.PAID_AMOUNT].tolist() == [126.0]
    assert r.claims[C.PAYER_CLAIM_CONTROL_NUMBER].tolist() == ["CTRL-A1-2"]
    rev = r.reversals.iloc[0]
    assert bool(rev[C.MATCHED])
    assert Path(rev[C.ORIGINAL_SOURCE_FILE]).name == "jan.835"
    assert Path(rev[C.SOURCE_FILE]).name == "feb.835"
    assert r.claims[C.PAID_AMOUNT].sum() == 126.0  # not 120 + 126 - 120 counted twice


def test_reversal_read_before_its_original_still_matches(make_835) -> None:
    first = make_835(PAID, total="120.00", name="jan.835")
    second = make_835(REVERSAL + CORRECTED, total="6.00", name="feb.835")
    r = read_835([second, first])
    assert r.claims[C.PAYER_CLAIM_CONTROL_NUMBER].tolist() == ["CTRL-A1-2"]
    assert r.reversals[C.MATCHED].tolist() == [True]


def test_reversal_without_its_original(make_835) -> None:
    r = read_835(make_835(REVERSAL + CORRECTED, total="6.00"))
    assert r.claims[C.PAYER_CLAIM_CONTROL_NUMBER].tolist() == ["CTRL-A1-2"]
    assert r.reversals[C.MATCHED].tolist() == [False]
    assert r.reversals[C.ORIGINAL_SOURCE_FILE].isna().all()


def test_fixed_width_wrapped_file_with_padding(make_835, write_835_text) -> None:
    flat = make_835(PAID + DENIED, total="120.00", line_breaks=False).read_text()
    wrapped = "\n".join(flat[i : i + 80] for i in range(0, len(flat), 80)) + "   \n\x00"
    r = read_835(write_835_text(wrapped))
    assert sorted(r.claims[C.CLAIM_ID]) == ["A1", "B2"]
    assert r.claims.set_index(C.CLAIM_ID).loc["A1", C.PAID_AMOUNT] == 120.0

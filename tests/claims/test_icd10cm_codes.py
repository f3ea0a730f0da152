"""The ICD-10-CM codes a claim line may carry: every category and code, no chapter or block range.

A category alone in its block (the block "F99" holds only the category F99, "Mental disorder, not
otherwise specified"; B20 is HIV disease) is a code: once it was taken for a block and every
claim line carrying it failed validation.
"""

from __future__ import annotations

import pandas as pd
import simple_icd_10_cm as cm

import paritykit as pk
from conftest import lines
from paritykit.validate.claims import icd10cm_codes

# categories that are alone in their block, and billable codes (ICD-10-CM tabular list)
ALONE_IN_THEIR_BLOCK = ["F99", "B20", "C50", "H59", "J95", "M97"]


def test_accepted_codes_are_the_code_sets_categories_and_codes() -> None:
    everything = cm.get_all_codes(with_dots=False)
    want = {c for c in everything if not cm.is_chapter(c) and "-" not in c}
    got = icd10cm_codes()
    assert got == want
    assert len(got) > 98_000
    assert not any(c.isdigit() or "-" in c for c in got)  # no chapter, no block range


def test_a_category_alone_in_its_block_is_a_code() -> None:
    codes = icd10cm_codes()
    for code in ALONE_IN_THEIR_BLOCK:
        assert cm.is_category(code), code  # the package's tree says: a category
        assert code in codes, code
    assert cm.get_description("F99") == "Mental disorder, not otherwise specified"
    assert "HIV" in cm.get_description("B20")


def test_claim_lines_with_f99_and_b20_pass_validation_and_f99_is_mhsud() -> None:
    frame = lines({"diagnosis_code": "F99"}, {"diagnosis_code": "B20"}, {"diagnosis_code": "F9"})
    checked = pk.validate_claims(pk.scan_claims(frame), errors="exclude")
    assert checked.excluded_lines == 1  # F9 is not a code
    assert checked.examples["value"].tolist() == ["F9"]
    sides = pk.classify_claims(checked).to_pandas().set_index("diagnosis_code")["side"]
    assert sides.to_dict() == {"F99": "mhsud", "B20": "ms"}
    assert isinstance(checked.to_frame(), pd.DataFrame)

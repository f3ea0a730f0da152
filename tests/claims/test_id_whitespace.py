"""Claim and member ids lose surrounding whitespace exactly as every other text column does.

Ids are stripped only when their first or last character could be whitespace (a shortcut for
speed); the result must equal a plain strip on every value, blanks becoming missing.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import paritykit as pk
from conftest import lines

WHITESPACE = " \t\n\r\x0b\x0c"
ids = st.text(alphabet=st.sampled_from([*WHITESPACE, "a", "7", "-", "É", "\x00", "\u00a0"]),
              max_size=6)  # fmt: skip


def _reference(value: str | None) -> str | None:
    if value is None:
        return None
    out = value.strip(WHITESPACE)
    return out or None


@settings(max_examples=40, deadline=None)
@given(claim_ids=st.lists(st.one_of(st.none(), ids), min_size=1, max_size=12),
       member=st.one_of(st.none(), ids))  # fmt: skip
def test_ids_are_stripped_like_plain_strip(claim_ids: list[str | None], member: str | None) -> None:
    frame = lines(*({"claim_id": c, "member_id": member} for c in claim_ids))
    got = pk.scan_claims(frame).select("claim_id", "member_id").to_pandas()
    want_claims = [_reference(c) for c in claim_ids]
    assert [None if pd.isna(v) else v for v in got["claim_id"]] == want_claims
    assert [None if pd.isna(v) else v for v in got["member_id"]] == [_reference(member)] * len(
        claim_ids
    )

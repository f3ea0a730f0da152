"""A synthetic appeal log for a synthetic practice year (no real patient, payer or person).

:func:`synthetic_appeal_log` follows the denied claims of synthetic remittances
(:func:`paritykit.synthetic_remittances`): calls to the payer with a representative's first name
and a reference number, internal appeals with what they contained, the plans' decisions,
external reviews, and resubmissions of duplicate denials. Whether an appeal is overturned is
drawn from a simple model in which clinical documentation, a provider letter and a parity
argument each raise the chance, and one payer (``SAMPLE HEALTH INSURANCE``) overturns less
often; the model is made up for examples and tests, not an estimate of anything.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

import numpy as np
import pandas as pd

from paritykit import columns as C

__all__ = ["synthetic_appeal_log"]

_REPRESENTATIVES: Final = ("Dana", "Chris", "Morgan", "Jamie", "Riley", "Taylor", "Avery", "Quinn")
#: Lower overturn odds for one payer, so the outcome tables have something to show.
_PAYER_OFFSET: Final[dict[str, float]] = {"SAMPLE HEALTH INSURANCE": -0.12}


def synthetic_appeal_log(
    remittances: Any,
    *,
    seed: int = 0,
    as_of: date | str | None = None,
    appeal_share: float = 0.7,
) -> pd.DataFrame:
    """Draw an appeal log for the denied claims of synthetic remittances.

    Parameters
    ----------
    remittances : SyntheticRemittances or pandas.DataFrame
        From :func:`paritykit.synthetic_remittances` (its ``truth``), or claim lines with
        ``claim_id``, ``plan_id``, ``status``, ``payment_date`` and ``denial_reason``.
    seed : int
        Random seed; the same seed and remittances give the same log.
    as_of : date, optional
        Nothing after this day is logged (appeals not decided by then stay pending). Default:
        the last payment date of the remittances.
    appeal_share : float
        Share of denied claims (other than duplicates) that are appealed.

    Returns
    -------
    pandas.DataFrame
        The appeal log in :data:`paritykit.columns.APPEAL_LOG_COLUMNS`, dates as
        ``YYYY-MM-DD`` text and yes/no as text, ready to write as CSV.

    Examples
    --------
    >>> from paritykit import synthetic_remittances
    >>> log = synthetic_appeal_log(synthetic_remittances(claims=300, seed=1), seed=1)
    >>> sorted(set(log["event"]))[:3]
    ['appeal_decided', 'appeal_filed', 'call']
    """
    lines = getattr(remittances, "truth", remittances)
    rng = np.random.default_rng(seed)
    pay = pd.to_datetime(lines[C.PAYMENT_DATE])
    end = pd.Timestamp(as_of).date() if as_of is not None else pay.max().date()
    denied = lines[lines[C.STATUS] == "denied"].assign(_pay=pay)
    claims = (
        denied.groupby([C.CLAIM_ID, C.PLAN_ID], sort=True)
        .agg(notice=("_pay", "min"), reason=(C.DENIAL_REASON, "first"))
        .reset_index()
    )
    rows: list[dict[str, Any]] = []
    calls = 0

    def add(claim: str, payer: str, event: str, day: date, **extra: Any) -> None:
        rows.append(
            {C.CLAIM_ID: claim, C.PLAN_ID: payer, C.EVENT: event, C.EVENT_DATE: day, **extra}
        )

    def yes(p: float) -> str:
        return "yes" if rng.random() < p else "no"

    for rec in claims.to_dict("records"):
        claim, payer, notice = rec[C.CLAIM_ID], rec[C.PLAN_ID], rec["notice"].date()
        payer_code = "".join(w[0] for w in str(payer).split())[:3]
        if rng.random() < 0.5:
            day = notice + timedelta(days=int(rng.integers(2, 20)))
            if day <= end:
                calls += 1
                add(
                    claim, payer, "call", day,
                    **{C.REPRESENTATIVE: str(rng.choice(_REPRESENTATIVES)),
                       C.REFERENCE_NUMBER: f"{payer_code}-{day:%y%m%d}-{calls:04d}",
                       C.NOTES: "asked why the claim was denied"},
                )  # fmt: skip
        if str(rec["reason"]) == "18":  # a duplicate: check and resubmit, no appeal
            day = notice + timedelta(days=int(rng.integers(5, 30)))
            if day <= end and rng.random() < 0.6:
                add(claim, payer, "resubmitted", day, **{C.NOTES: "corrected claim"})
            continue
        if rng.random() >= appeal_share:
            continue
        filed = notice + timedelta(days=int(rng.integers(15, 90)))
        if filed > end:
            continue
        contents = {
            C.CLINICAL_DOCUMENTATION: yes(0.6),
            C.PROVIDER_LETTER: yes(0.5),
            C.PARITY_CITED: yes(0.4),
        }
        add(claim, payer, "appeal_filed", filed, **{C.OUTCOME: "pending", **contents})
        decided = filed + timedelta(days=int(rng.integers(20, 62)))
        if decided > end:
            continue
        p = (
            0.18
            + 0.30 * (contents[C.CLINICAL_DOCUMENTATION] == "yes")
            + 0.18 * (contents[C.PROVIDER_LETTER] == "yes")
            + 0.12 * (contents[C.PARITY_CITED] == "yes")
            + _PAYER_OFFSET.get(str(payer), 0.0)
        )
        draw = rng.random()
        outcome = "overturned" if draw < p else ("partial" if draw < p + 0.07 else "upheld")
        add(
            claim, payer, "appeal_decided", decided,
            **{C.OUTCOME: outcome, C.REFERENCE_NUMBER: f"APL-{payer_code}-{decided:%y%m%d}"},
        )  # fmt: skip
        if outcome == "overturned" or rng.random() >= 0.5:
            continue
        requested = decided + timedelta(days=int(rng.integers(10, 60)))
        if requested > end:
            continue
        add(claim, payer, "external_review_requested", requested)
        reviewed = requested + timedelta(days=int(rng.integers(25, 45)))
        if reviewed <= end:
            add(
                claim, payer, "external_review_decided", reviewed,
                **{C.OUTCOME: "overturned" if rng.random() < 0.45 else "upheld"},
            )  # fmt: skip
    log = pd.DataFrame(rows, columns=list(C.APPEAL_LOG_COLUMNS))
    log[C.EVENT_DATE] = [f"{d:%Y-%m-%d}" for d in log[C.EVENT_DATE]]
    return log.sort_values([C.EVENT_DATE, C.CLAIM_ID], kind="stable").reset_index(drop=True)

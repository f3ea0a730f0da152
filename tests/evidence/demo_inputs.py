"""The demo's inputs for the evidence tests: benefits workbook, plan facts, synthetic claims.

As `make sample` writes them (three plans, the pack is about SAMPLE-B), with fewer claim lines
and a planted MH/SUD denial disparity in SAMPLE-B's outpatient in-network care.
"""

from __future__ import annotations

from pathlib import Path

import yaml

import paritykit as pk
from paritykit.evidence.template import write_benefits_workbook
from paritykit.synth.benefits import sample_benefits, sample_plan_facts
from paritykit.synth.nqtls import sample_nqtls

PLAN_IDS = ["SAMPLE-A", "SAMPLE-B", "SAMPLE-C"]


def write_demo_inputs(root: Path, *, rows: int, seed: int, ratio: float) -> dict[str, Path]:
    """Write benefits.xlsx, plan.yaml and claims.parquet into ``root``; return their paths.

    ``ratio`` is the planted MH/SUD / M/S denial-rate ratio in SAMPLE-B, outpatient in network.
    """
    benefits = write_benefits_workbook(
        sample_benefits(), root / "benefits.xlsx", nqtls=sample_nqtls()
    )
    plan = root / "plan.yaml"
    plan.write_text(yaml.safe_dump(sample_plan_facts("SAMPLE-B")))
    claims = root / "claims.parquet"
    pk.synthesize_claims(
        claims,
        rows=rows,
        plans=len(PLAN_IDS),
        seed=seed,
        plan_ids=PLAN_IDS,
        disparities=[
            pk.ClaimsDisparity(
                plan=2, classification="outpatient_in_network", measure="denial_rate", ratio=ratio
            )
        ],
    )
    return {"root": root, "benefits": benefits, "plan": plan, "claims": claims}

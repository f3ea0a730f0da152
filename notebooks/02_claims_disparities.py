# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Claims disparities: two million claim lines through the engine
#
# **Who this is for:** analysts with claims data: a plan or its auditor checking its own
# operations, a regulator, a researcher.
#
# **What it shows:** how paritykit turns claim lines into evidence about parity *in operation*:
# scan and validate the lines, classify each one (MH/SUD or M/S, and which of the six
# classifications), summarize outcomes, compare denial rates cell by cell and pooled, fit a model,
# compare payment amounts, draw the charts, and link the results to the plan's NQTLs.
# Each step says how to read its result.
#
# The data are **synthetic with known answers**: two million lines for the three fictional
# sample plans, with two disparities planted on purpose:
#
# - SAMPLE-B denies MH/SUD outpatient in-network lines **1.8 times** as often as M/S lines;
# - SAMPLE-C allows MH/SUD outpatient in-network lines **80%** of what it allows M/S lines.
#
# Everything else is at parity, so we can see both what paritykit finds and what it does not
# invent. The claims (about 30 MB) go to a temporary folder that is deleted when the kernel
# stops; charts go to `reports/notebooks/02_claims_disparities/`.
# The engine is DuckDB, in-process; the same calls run on Spark with `engine="pyspark"`.
#
# *paritykit gives evidence, not legal advice. A failed quantitative test is the regulation's
# arithmetic on the numbers you entered; every other finding is a warning sign that calls for the
# plan's explanation, not a legal conclusion.*

# %%
import datetime as dt
import tempfile
from pathlib import Path

import paritykit as pk
from paritykit.evidence.charts import (
    plot_out_of_network_share,
    plot_rate_ratios,
    plot_rates_by_classification,
    save_figure,
)
from paritykit.stats import rate_sentences
from paritykit.synth.nqtls import sample_nqtls

HERE = Path.cwd()
ROOT = next((p for p in (HERE, *HERE.parents) if (p / "pyproject.toml").is_file()), HERE)
OUT = ROOT / "reports" / "notebooks" / "02_claims_disparities"
OUT.mkdir(parents=True, exist_ok=True)
print("Files from this notebook go to", OUT)
WORK_DIR = tempfile.TemporaryDirectory(prefix="paritykit-02-")  # deleted when the kernel stops
WORK = Path(WORK_DIR.name)

# %% [markdown]
# ## 1. Two million synthetic claim lines
#
# `synthesize_claims` writes Parquet inside DuckDB (no line passes through Python) and a JSON
# sidecar with the true parameters. Real data never comes with a sidecar; here it lets us check
# the analysis against the truth.

# %%
truth = pk.synthesize_claims(
    WORK / "claims.parquet",
    rows=2_000_000,
    plans=3,
    plan_ids=["SAMPLE-A", "SAMPLE-B", "SAMPLE-C"],
    seed=7,
    disparities=[
        pk.ClaimsDisparity("denial_rate", 1.8, plan=2, classification="outpatient_in_network"),
        pk.ClaimsDisparity("allowed_amount", 0.8, plan=3, classification="outpatient_in_network"),
    ],
)
print(truth.summary())

# %% [markdown]
# ## 2. Scan: a lazy table in the claims data contract
#
# `scan_claims` reads CSV or Parquet files (one file, a folder or a glob) into a *lazy* Ibis
# table: nothing is loaded into memory; each later step runs inside the engine. Pass
# `columns={"claim_id": "Claim Number", ...}` when your headers differ from the contract's names
# (`docs/data-contracts.md`).

# %%
claims = pk.scan_claims(WORK / "claims.parquet")
claims.head(5).to_pandas()

# %% [markdown]
# ## 3. Validate: every line checked, nothing dropped silently
#
# `validate_claims` checks dates, amounts, codes (diagnoses against the real ICD-10-CM code set)
# and required fields. With `errors="exclude"` failing lines are dropped **and counted**: the
# counts go into the evidence pack's Excluded data exhibit. With the default `errors="raise"` the
# first bad file stops the run with every problem listed. This synthetic file is clean; on real
# data, read the `checks` table before anything else.

# %%
validation = pk.validate_claims(claims, errors="exclude", source="claims.parquet")
print(validation.summary())
validation.checks[["check", "column", "lines", "action"]].head(8)

# %% [markdown]
# ## 4. Classify: MH/SUD or M/S, and which classification
#
# `classify_claims` applies the versioned default rules (ICD-10-CM chapter 5 diagnoses, CPT
# psychiatry codes, revenue codes, place of service, bill type, network status) and says **which
# rule** placed each line in `classified_by`. Lines no rule can place raise an error by default
# (`unmapped="flag"` keeps them, marked). A few lines show how it reads them:

# %%
classified = pk.classify_claims(validation)
codes = ["claim_id", "diagnosis_code", "procedure_code", "place_of_service", "bill_type"]
added = ["side", "classification", "sub_classification", "classified_by"]
classified.select(*codes, "network_status", *added).head(8).to_pandas()

# %% [markdown]
# ## 5. Outcome summary: one row per plan x classification x side
#
# `summarize_outcomes` counts claims, denials (by reason group), prior-authorization requests
# and denials, out-of-network claims and amounts, in the engine. The result is small (here 36
# rows for two million lines) and is what every statistic below starts from. A rate whose
# denominator is 0 is left empty and `note` says why; it is never set to 0.

# %%
outcomes = pk.summarize_outcomes(classified)
columns = ["plan_id", "classification", "side", "claims", "denied", "denial_rate"]
outcomes[[*columns, "denied_medical_necessity", "out_of_network_claims"]].head(12)

# %% [markdown]
# ## 6. Per-cell comparison: MH/SUD vs M/S denial rates
#
# `compare_rates` makes one 2 x 2 table per plan and classification and reports both rates, the
# **rate ratio** (MH/SUD over M/S) with its 95% interval, a chi-square or exact test, the p-value
# **adjusted** for testing 18 cells at once (Benjamini-Hochberg), and `flagged`: adjusted p below
# 0.05 *and* MH/SUD worse off.
#
# How to read it:
#
# - A flag is a **warning sign**: the difference is unlikely to be chance. It does not say why
#   MH/SUD claims are denied more; that is what the plan's comparative analysis must explain.
# - No flag is **not** evidence of parity: `detectable_ratio` is the smallest ratio the cell
#   could have detected. A small cell may miss a real disparity.
# - With millions of lines tiny differences become "significant": look at the size of the ratio
#   too.

# %%
rates = pk.compare_rates(outcomes)
columns = ["plan_id", "classification", "mhsud_rate", "ms_rate", "rate_ratio"]
columns += ["rate_ratio_low", "rate_ratio_high", "p_adjusted", "flagged", "detectable_ratio"]
rates.sort_values("p_adjusted")[columns].head(6)

# %% [markdown]
# The planted 1.8x disparity in SAMPLE-B is found (estimate close to 1.8) and no other cell is
# flagged. `rate_sentences` writes each row as the sentence the evidence pack uses:

# %%
for sentence in rate_sentences(rates[rates["flagged"]]):
    print(sentence)
print()
print(rate_sentences(rates).iloc[0])

# %% [markdown]
# ## 7. Charts
#
# A forest plot of the rate ratios: one row per cell, the dot at the ratio and the line its
# interval, on a log scale; the dashed line at 1 means equal rates. Flagged cells are filled
# diamonds. Charts are colour-blind safe and readable in greyscale.

# %%
ax = plot_rate_ratios(rates, title="MH/SUD vs M/S denial rates, synthetic claims")
save_figure(ax.figure, OUT / "denial_rate_ratios")

# %% [markdown]
# The two rates side by side for one plan, in percent (MH/SUD hatched):

# %%
ax = plot_rates_by_classification(rates, plan_id="SAMPLE-B", title="SAMPLE-B denial rates")
save_figure(ax.figure, OUT / "denial_rates_sample_b")

# %% [markdown]
# The out-of-network share of claims per care setting. A much higher MH/SUD share suggests that
# members cannot find MH/SUD providers in the network: a question about network admission and
# reimbursement (NQTLs), not a finding. In this synthetic data MH/SUD claims go out of network
# more often by design.

# %%
ax = plot_out_of_network_share(outcomes, plan_id="SAMPLE-B", title="SAMPLE-B out of network")
save_figure(ax.figure, OUT / "out_of_network_share_sample_b")

# %% [markdown]
# ## 8. Stratified: is MH/SUD worse *within* plans and classifications?
#
# `stratified_test` pools the 18 cells with the Cochran-Mantel-Haenszel test and the
# Mantel-Haenszel common odds and risk ratios, beside the crude comparison that ignores the
# strata. Two things to read:
#
# - If the crude and pooled ratios point in **opposite directions** (`direction_reversed`),
#   mixing plans or classifications misleads (Simpson's paradox).
# - A small **Breslow-Day** p-value says the ratio differs between strata, so one pooled number
#   hides where the problem is: go back to the per-cell table. Here it is tiny, because the
#   disparity sits in one cell only.

# %%
stratified = pk.stratified_test(outcomes)
print(stratified.summary())

# %% [markdown]
# ## 9. A model: the MH/SUD odds ratio adjusted for plan and classification
#
# `disparity_model` fits a logistic regression on the grouped counts (identical to a claim-level
# fit for categorical covariates, without touching claim lines). `odds_ratio` is the MH/SUD
# effect adjusted for the covariates. With many plans (about 20 or more) pass
# `cluster="plan_id"` for cluster-robust standard errors; with three plans we do not.

# %%
model = pk.disparity_model(outcomes, covariates=["plan_id", "classification"])
print(model.summary())

# %% [markdown]
# ## 10. Payments: comparing amounts, not rates
#
# `compare_distributions` compares a claim-level amount between MH/SUD and M/S: the ratio of
# medians with a bootstrap interval, the chance that an MH/SUD value exceeds an M/S value
# (`relative_effect`, 0.5 = no difference) and a Brunner-Munzel rank test. With real data compare
# the allowed amount **per unit as a share of a benchmark fee** for matched codes (for example
# Medicare's fee for 99214 vs 90837); in this synthetic data every office visit shares one fee
# range, so the allowed amount itself will do. We take the paid in-network office visits of the
# first two weeks of the year (a selection in the engine, then a small table in memory).

# %%
office = classified.filter(
    (classified.status == "paid")
    & (classified.classification == "outpatient_in_network")
    & (classified.sub_classification == "office_visits")
    & (classified.service_date < dt.date(2024, 1, 15))
)
office_lines = office.select(
    "plan_id", "side", allowed_amount=office.allowed_amount.cast("float64")
).to_pandas()
amounts = pk.compare_distributions(
    office_lines, value="allowed_amount", worse="lower", by="plan_id", n_boot=500
)
columns = ["plan_id", "mhsud_n", "ms_n", "mhsud_median", "ms_median", "median_ratio"]
columns += ["median_ratio_low", "median_ratio_high", "relative_effect", "p_adjusted", "flagged"]
amounts[columns]

# %% [markdown]
# SAMPLE-C's planted 0.8 ratio shows up; the other plans sit near 1. Lower payment for MH/SUD
# care is a warning sign about reimbursement rates, an NQTL the plan must justify with comparable
# factors.
#
# ## 11. Linking outcomes to the plan's NQTLs
#
# `nqtl_review` compares what the plan says it does (its NQTL inventory; here the sample plans')
# and tests the outcome linked to each NQTL (prior authorization to prior-authorization denial
# rates, medical-necessity criteria to medical-necessity denials, ...), all in one
# multiple-comparison family. Findings are questions for the plan, each with the documents to
# request.

# %%
review = pk.nqtl_review(sample_nqtls(), outcomes=outcomes)
tests = review.outcome_tests
columns = ["plan_id", "classification", "nqtl_type", "measure", "mhsud_rate", "ms_rate"]
tests.loc[tests["flagged"], [*columns, "rate_ratio", "p_adjusted"]]

# %% [markdown]
# Two kinds of flag. SAMPLE-B's prior authorization: its MH/SUD prior-authorization denials run
# at about 1.9 times the M/S rate, a side effect of the planted denial disparity (some of the
# extra denials are for missing authorization). The out-of-network share is flagged in every plan
# because this synthetic data sends MH/SUD claims out of network more often by design, the
# pattern the Milliman and RTI studies found in real data. Each finding states the disparity, the
# rule it rests on, the question for the plan and the documents to request:

# %%
findings = review.findings
prior_auth = findings[
    (findings["plan_id"] == "SAMPLE-B") & (findings["measure"] == "prior_auth_denial_rate")
].iloc[0]
print(prior_auth["finding"], prior_auth["disclosure_request"], sep="\n\n")

# %% [markdown]
# ## What to do with a flag
#
# 1. Check the inputs: the Excluded data counts, the `classified_by` rules, the plan ids.
# 2. Look at size as well as significance: the ratio and its interval, the counts behind it.
# 3. Ask the plan for its comparative analysis of the NQTLs behind the outcome (prior
#    authorization, medical-necessity criteria, network admission, reimbursement); the evidence
#    pack's letter lists the disclosure requests.
#
# Put it all in one pack with
# `pk.build_evidence_pack(benefits, claims=..., plan=..., out=...)`, or on the command line
# `paritykit report --benefits ... --claims ... --plan ... --out ...`.
# `docs/statistics.md` gives every method with its reference; `docs/scaling.md` shows Spark.

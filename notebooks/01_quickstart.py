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
# # 01 · Quickstart: the quantitative test and an evidence pack in ten cells
#
# **Who this is for:** anyone opening paritykit for the first time: analysts, advocates, students.
#
# **What it shows:** three fictional sample plans go through the federal parity law's
# *quantitative test* for copays, coinsurance, deductibles and visit limits
# (29 CFR 2590.712(c)(3)); we read the arithmetic behind one failing result, draw it, and build
# the evidence pack a regulator can act on (an Excel workbook, charts and a complaint letter).
#
# Everything here is synthetic and runs in a few seconds. Files are written to
# `reports/notebooks/01_quickstart/` (ignored by git).
#
# *paritykit gives evidence, not legal advice. A failed quantitative test is the regulation's
# arithmetic on the numbers you entered; every other finding is a warning sign that calls for the
# plan's explanation, not a legal conclusion.*

# %%
from pathlib import Path

import paritykit as pk
from paritykit.evidence.charts import plot_level_shares, save_figure
from paritykit.evidence.template import write_benefits_workbook
from paritykit.synth.benefits import sample_benefits, sample_plan_facts

HERE = Path.cwd()
ROOT = next((p for p in (HERE, *HERE.parents) if (p / "pyproject.toml").is_file()), HERE)
OUT = ROOT / "reports" / "notebooks" / "01_quickstart"
OUT.mkdir(parents=True, exist_ok=True)
print("Files from this notebook go to", OUT)

# %% [markdown]
# ## 1. A plan's benefit design
#
# paritykit reads benefits from an Excel workbook (or CSV) with one row per benefit and type of
# requirement: the plan, the classification (inpatient/outpatient, in/out of network,
# emergency, prescription drugs), the side (`ms` for medical/surgical, `mhsud` for mental health
# and substance use disorder), the level (a copay in dollars, a coinsurance in percent, a visit
# limit...) and, for M/S benefits, the plan's **projected payments** for the year. Here we write
# the bundled sample to a workbook and read it back, as you would read your own.

# %%
workbook = write_benefits_workbook(sample_benefits(), OUT / "sample_benefits.xlsx")
benefits = pk.read_benefits(workbook)
benefits.head(8)

# %% [markdown]
# ## 2. Run the quantitative test
#
# `quantitative_test` runs the regulation's arithmetic for every plan, classification and type
# of requirement, with exact fractions (exactly two-thirds passes, exactly one-half does not).
# `summary()` lists what fails.

# %%
result = pk.quantitative_test(benefits)
print(result.summary())

# %% [markdown]
# ## 3. One row per determination
#
# `to_frame()` gives one row per plan x classification x type of requirement. Read it left to
# right, as the regulation does: the share of M/S payments **subject** to the type (at least
# two-thirds means "substantially all"), then the **predominant level** (the level that applies
# to more than half of subject payments), then the MH/SUD level, which may not be more
# restrictive. Here are the rows that fail.

# %%
determinations = result.to_frame()
columns = ["plan_id", "classification", "sub_classification", "requirement_type"]
columns += ["subject_share", "predominant_level", "mhsud_level", "separate_accumulation"]
determinations.loc[~determinations["compliant"], columns]

# %% [markdown]
# ## 4. The arithmetic behind SAMPLE-B's copay
#
# Reviewers check the table, not the verdict. `levels` is the table the regulation's own
# examples print: each M/S copay level, its projected payments, its share of subject payments,
# and the most-restrictive-first running total that decides the predominant level.

# %%
levels = result.levels
levels[
    (levels["plan_id"] == "SAMPLE-B")
    & (levels["classification"] == "outpatient_in_network")
    & (levels["requirement_type"] == "copay")
]

# %% [markdown]
# ## 5. The same arithmetic as a picture
#
# The top bar splits all M/S payments into subject and not subject (the dashed line is
# two-thirds); the bottom bar splits subject payments by level, most restrictive first (the line
# is one-half). The triangle marks the MH/SUD copay: to the left of the predominant level means
# more restrictive.

# %%
ax = plot_level_shares(
    result, plan_id="SAMPLE-B", classification="outpatient_in_network", requirement_type="copay"
)
save_figure(ax.figure, OUT / "level_shares_sample_b")

# %% [markdown]
# ## 6. The findings, with their citations
#
# `findings` puts the most serious first. `noncompliant` means the test fails **on the data
# given**: if the projected payments are wrong, so is the answer, which is why the letter asks the
# plan for its projection method. `review` rows are points to check, not determinations.

# %%
result.findings[["plan_id", "severity", "finding_kind", "finding", "citation"]]

# %% [markdown]
# ## 7. Build the evidence pack for one plan
#
# The pack needs *plan facts*: the plan's name, type (it decides which regulator gets the
# letter), state and year. `sample_plan_facts` gives those of the fictional SAMPLE-B, an insured
# employer plan in Ohio, so the letter goes to Ohio's insurance regulator with a copy to the U.S.
# Department of Labor. Add `claims=` to include denial-rate evidence (notebook 02).

# %%
pack = pk.build_evidence_pack(workbook, plan=sample_plan_facts("SAMPLE-B"), out=OUT / "pack")
print(pack.summary())

# %% [markdown]
# ## 8. What is in the pack
#
# Every file with its SHA-256 hash (also in `manifest.json`), so a reader can check that nothing
# changed after the pack was built. Open `evidence.xlsx` for the exhibits and
# `complaint_letter.docx` for the letter.

# %%
pack.to_frame()

# %% [markdown]
# ## 9. The start of the complaint letter
#
# Facts paritykit does not know (your name, dates of requests you made) appear as
# `[bracketed placeholders]`: fill them in or delete them before sending; nothing is invented.

# %%
letter = (pack.out_dir / "complaint_letter.md").read_text(encoding="utf-8")
print(letter[:2500])

# %% [markdown]
# ## Where next
#
# - `02_claims_disparities`: denial-rate evidence from millions of claim lines.
# - `03_advocate_complaint`: from the Excel template to a complaint pack, for advocates.
# - `04_practice_payers`: 835 remittances to a payer scorecard and appeal deadlines.
# - `05_public_issuer_data`: compare insurers with the CMS Transparency in Coverage file.
# - `docs/quantitative-test.md` explains the test step by step; `docs/evidence-pack.md` the pack.
#
# The same pack from the command line:
# `paritykit report --benefits benefits.xlsx --plan plan.yaml --out pack/`.

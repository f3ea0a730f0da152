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
# # 03 · For advocates: from the Excel template to a complaint pack
#
# **Who this is for:** patient advocates, people helping a family member, consumer groups and
# legal aid staff who have a plan's documents (the Summary of Benefits and Coverage, the plan
# document or certificate of coverage) but no claims data.
#
# **What it shows:** the whole path an advocate takes. Get the Excel template, fill it in from
# the plan's documents, let paritykit check what you typed, run the quantitative test and the
# NQTL review, say which plan this is, and build the complaint pack addressed to the right
# regulator.
#
# In real life you fill the template in Excel; in this notebook a few lines of code stand in for
# your typing. The plan is fictional. Files go to `reports/notebooks/03_advocate_complaint/`.
#
# *paritykit gives evidence, not legal advice. A failed quantitative test is the regulation's
# arithmetic on the numbers you entered; every other finding is a warning sign that calls for the
# plan's explanation, not a legal conclusion.* A lawyer or a state consumer assistance program can
# tell you what to do with the
# pack.

# %%
from pathlib import Path

import paritykit as pk
from paritykit.evidence.charts import plot_level_shares, save_figure
from paritykit.evidence.template import write_benefits_template, write_benefits_workbook

HERE = Path.cwd()
ROOT = next((p for p in (HERE, *HERE.parents) if (p / "pyproject.toml").is_file()), HERE)
OUT = ROOT / "reports" / "notebooks" / "03_advocate_complaint"
OUT.mkdir(parents=True, exist_ok=True)
print("Files from this notebook go to", OUT)

# %% [markdown]
# ## 1. Get the template
#
# The template has an **Instructions** sheet, a **Benefits** sheet (copays, coinsurance,
# deductibles, day and visit limits) and an **NQTLs** sheet (prior authorization, concurrent
# review, medical-necessity criteria, network admission...), filled in for one example plan so
# you can see what goes where. From the command line: `paritykit template benefits my_plan.xlsx`.

# %%
template = write_benefits_template(OUT / "template.xlsx")
example = pk.read_benefits(template)
columns = ["classification", "sub_classification", "side", "benefit", "requirement_type"]
example[[*columns, "level", "projected_payments"]].head(12)

# %% [markdown]
# **Projected payments** (M/S rows only) are the plan's own projection of what it will pay for
# each M/S benefit in the year. Plans rarely publish them: enter your best estimate and mark it
# as such, or leave the example's figures, and ask the plan for its numbers. The pack's letter
# asks for them, because the answer of the test depends on them.
#
# ## 2. Fill it in (here: in code)
#
# Suppose the plan's documents show two things the example plan does not have:
#
# 1. a **$50 copay for psychotherapy office visits**, while primary care visits cost $25;
# 2. **prior authorization for psychotherapy after the 12th visit** in a year, and none for any
#    medical office visit.
#
# We copy the example, make those two changes, and save the workbook as `my_plan.xlsx`.

# %%
benefits = example.drop(columns="source_row").assign(plan_id="MY-PLAN")
benefits.loc[benefits["benefit"] == "Psychotherapy office visit", "level"] = 50

nqtls = pk.read_nqtls(template).drop(columns="source_row").assign(plan_id="MY-PLAN")
therapy_prior_auth = (
    (nqtls["sub_classification"] == "office_visits")
    & (nqtls["side"] == "mhsud")
    & (nqtls["nqtl_type"] == "prior_authorization")
)
nqtls.loc[therapy_prior_auth, "applies"] = True
nqtls.loc[therapy_prior_auth, "scope"] = "psychotherapy visits after the 12th visit in a year"

my_plan = write_benefits_workbook(benefits, OUT / "my_plan.xlsx", nqtls=nqtls)
my_plan.name

# %% [markdown]
# ## 3. paritykit checks what you typed
#
# Reading the workbook validates every row: known classifications (common spellings such as
# "Outpatient, in-network" are accepted), numbers where numbers belong, projected payments for
# M/S rows. It lists **every** problem at once, with the row you see in Excel. Here is what
# happens when a level is typed as words and a classification is misspelled:

# %%
typo = benefits.astype({"level": object})
typo.loc[typo["benefit"] == "Specialist visit", "level"] = "fifty dollars"
typo.loc[typo["benefit"] == "Imaging", "classification"] = "outpatient in netwrk"
typo_workbook = write_benefits_workbook(typo, OUT / "my_plan_with_typos.xlsx")
try:
    pk.read_benefits(typo_workbook)
except pk.DataValidationError as error:
    problems = error.problems
problems[["row", "column", "value", "problem"]]

# %% [markdown]
# Fix the rows named in the table and read the workbook again. The corrected workbook reads
# cleanly:

# %%
plan_benefits = pk.read_benefits(my_plan)
plan_nqtls = pk.read_nqtls(my_plan)
len(plan_benefits), len(plan_nqtls)

# %% [markdown]
# ## 4. The quantitative test
#
# `FAILS` means the regulation's arithmetic, applied to the numbers in the workbook, does not
# allow the MH/SUD level. The result is only as good as the projected payments.

# %%
result = pk.quantitative_test(plan_benefits)
print(result.summary())

# %% [markdown]
# The picture: M/S office-visit copays, most restrictive first. The $25 copay covers more than
# half of the subject payments, so $25 is the predominant level; the triangle (MH/SUD $50) sits
# to its left, on the more restrictive side.

# %%
ax = plot_level_shares(
    result,
    plan_id="MY-PLAN",
    classification="outpatient_in_network",
    sub_classification="office_visits",
    requirement_type="copay",
)
save_figure(ax.figure, OUT / "level_shares_office_visits")

# %% [markdown]
# ## 5. The NQTL review
#
# Prior authorization, medical-necessity criteria, network rules and the like are
# **non-quantitative** limits: there is no arithmetic test. The plan must show that the reasons
# and standards behind each one are comparable for MH/SUD and M/S and applied no more strictly.
# paritykit compares the two sides of the inventory and turns each difference into a question
# for the plan, with the documents to request:
#
# - `warning_sign`: the plan treats MH/SUD differently as written; it must justify that.
# - `insufficient`: something the plan's comparative analysis must contain is missing.
# - `review`: a point to check.
#
# The two `insufficient` findings appear because our new MH/SUD prior-authorization row names no
# factors or evidentiary standards (the plan's documents rarely do): the plan's comparative
# analysis must name them, so they become questions for the plan.

# %%
review = pk.nqtl_review(plan_nqtls)
print(review.summary())

# %%
findings = review.findings
print(findings.loc[0, "disclosure_request"])
findings[["nqtl_type", "finding_kind", "severity", "rule_basis"]]

# %% [markdown]
# `rule_basis` says which rule a finding rests on. The 2013 rule and the 2021 statute are
# enforced; provisions new in the 2024 rule are not enforced federally since May 2025 (states
# may enforce them).
#
# ## 6. Which plan is this? (plan facts)
#
# The **plan type** decides who receives the complaint: the U.S. Department of Labor for a
# self-funded employer plan, the state insurance department for insured plans and individual
# policies, CMS for state and local government plans, the state Medicaid agency for Medicaid
# managed care. The plan's documents usually say whether it is "self-funded" or "insured"; if
# you are not sure, ask the employer's HR department.

# %%
facts = pk.read_plan_facts(
    {
        "plan_name": "My Employer Health Plan (fictional)",
        "plan_id": "MY-PLAN",
        "plan_type": "erisa_self_funded",
        "state": "TX",
        "plan_year": 2025,
        "sponsor": "Example Employer Inc. (fictional)",
        "administrator": "Example Claims Administrator (fictional)",
    }
)
facts

# %% [markdown]
# ## 7. Build the complaint pack
#
# One call: the workbook (Summary, exhibits, Method, Provenance), the charts, the complaint
# letter in Word and Markdown, and a manifest of every file with its hash.

# %%
pack = pk.build_evidence_pack(my_plan, plan=facts, out=OUT / "pack")
print(pack.summary())

# %% [markdown]
# ## 8. Read the letter before you send it
#
# The letter is addressed by plan type, lists each finding with its exhibit and regulation, and
# asks for the documents the plan must produce. Everything paritykit does not know is a
# `[bracketed placeholder]`: your name, your relationship to the plan, requests you already made.
# Fill them in or delete them; never send a letter with brackets left in it.

# %%
letter = (pack.out_dir / "complaint_letter.md").read_text(encoding="utf-8")
print(letter[:3000])

# %% [markdown]
# ## Next steps
#
# - Open `reports/notebooks/03_advocate_complaint/pack/complaint_letter.docx` in Word, complete
#   it, and send it with `evidence.xlsx` to the address at its top.
# - Keep copies of everything you send and the dates.
# - If you are appealing a denial at the same time, the appeal deadline does not wait for the
#   complaint: see `04_practice_payers` and `docs/practices.md`.
#
# Command-line equivalent:
# `paritykit report --benefits my_plan.xlsx --plan plan.yaml --out pack/`.

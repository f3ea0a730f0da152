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
# # 04 · For practices: 835 remittances to a payer scorecard and appeal deadlines
#
# **Who this is for:** therapy and psychiatry practices: the practice manager, the biller, the
# clinician who keeps getting denials from one payer.
#
# **What it shows:** how to turn the electronic remittances (ERA, X12 835 files) the practice
# already receives into
#
# 1. a **payer scorecard**: which payer denies more often, pays less or pays later than the others;
# 2. the list of **open denials by appeal deadline**, soonest first;
# 3. a **draft appeal letter** for one denial, with the deadline, the documentation checklist and
#    the parity disclosure requests;
#
# and what the reader reports when a real-world 835 file is odd.
#
# The practice year here is synthetic (four fictional payers, 2,000 claims in 2024), written as
# quarterly 835 files in varied layouts, as clearinghouses deliver them. Files go to a temporary
# folder and `reports/notebooks/04_practice_payers/`.
#
# *paritykit gives drafting help and evidence, not legal advice. A payer that denies more often
# than the others is a warning sign that calls for an explanation, not proof of a parity
# violation.* Real remittances contain protected health information: paritykit runs on your own
# computer and sends nothing anywhere.

# %%
import datetime as dt
import tempfile
from pathlib import Path

import paritykit as pk
from paritykit.evidence.appeal_letter import write_appeal_letter
from paritykit.evidence.payer_charts import plot_payer_denial_rates
from paritykit.evidence.payer_workbook import write_payer_workbook
from paritykit.synth.remittances import write_practice_year

HERE = Path.cwd()
ROOT = next((p for p in (HERE, *HERE.parents) if (p / "pyproject.toml").is_file()), HERE)
OUT = ROOT / "reports" / "notebooks" / "04_practice_payers"
OUT.mkdir(parents=True, exist_ok=True)
print("Files from this notebook go to", OUT)
WORK_DIR = tempfile.TemporaryDirectory(prefix="paritykit-04-")  # deleted when the kernel stops
WORK = Path(WORK_DIR.name)

# %% [markdown]
# ## 1. A year of remittance files
#
# In real life: point paritykit at the folder your clearinghouse or practice-management system
# downloads ERA files into. Here we generate one.

# %%
year = pk.synthetic_remittances(claims=2000, seed=0)
files = write_practice_year(year, WORK / "remits")
[f.name for f in files[:6]]

# %% [markdown]
# ## 2. Read the 835 files
#
# `read_835` reads every file in the folder, checks that each claim balances (charge minus
# payment equals the adjustments), matches reversals (CLP02 = 22) to the payments they cancel,
# and lists anything odd in `problems`. The result has one row per service line.

# %%
remits = pk.read_835(WORK / "remits")
print(remits.summary())
columns = ["claim_id", "plan_id", "service_date", "procedure_code", "status", "denial_reason"]
remits.claims[[*columns, "billed_amount", "paid_amount", "payment_date"]].head()

# %% [markdown]
# ## 3. The payer scorecard
#
# Each payer's denial rate (denied lines over all lines) with its 95% interval, compared with all
# other payers pooled: the rate ratio, a p-value adjusted for comparing several payers, and
# `FLAGGED` when the payer denies significantly more often than the others.
#
# How to read it: a flagged payer is a payer to ask questions of (which services, which reasons,
# which criteria). A ratio below 1 means the payer denies *less* often than the others.

# %%
card = pk.payer_scorecard(remits)
print(card.summary())

# %% [markdown]
# The same as a chart: the dot is the payer's denial rate, the bar its interval, the dashed line
# the rate over all payers; flagged payers are orange diamonds.

# %%
ax = plot_payer_denial_rates(card)

# %% [markdown]
# Why are claims denied, and how fast does each payer pay? Denial reasons (CARC codes) are sorted
# into categories; a high share of **medical necessity** or **authorization** denials for routine
# psychotherapy is where parity questions usually start.

# %%
payers = card.table[card.table["grouping"] == "payer"]
reasons = ["denied_medical_necessity", "denied_authorization", "denied_missing_information"]
payers[["plan_id", "claim_lines", "denial_rate", *reasons, "days_to_payment_median", "flagged"]]

# %% [markdown]
# Per procedure code: the 60-minute psychotherapy session (90837) is the code payers most often
# question. Each payer's 90837 lines are compared with the other payers' 90837 lines, and the
# median paid per session is given per code (paying less for the same code is a reimbursement
# question, another NQTL).

# %%
by_code = card.table[
    (card.table["grouping"] == "payer_procedure") & (card.table["procedure_code"] == "90837")
]
columns = ["plan_id", "claim_lines", "denial_rate", "paid_amount_median", "rate_ratio"]
by_code[[*columns, "p_adjusted", "flagged"]]

# %% [markdown]
# Save the scorecard as a workbook (scorecard, procedure codes, denial reasons, a chart, the
# method and the input files with their hashes). Counts from 1 to 10 are suppressed by default,
# so the workbook can be shared without revealing individual patients.

# %%
inputs = [(Path(f), "835 remittance") for f in remits.files]
written = write_payer_workbook(card, OUT / "scorecard", inputs=inputs)
[p.name for p in written]

# %% [markdown]
# ## 4. Open denials, soonest deadline first
#
# An internal appeal must usually be filed within 180 days of the denial notice (the plan's
# documents may allow longer). `open_denials` lists each denied claim with its deadline and the
# days left, counted from `as_of` (use `dt.date.today()`; a fixed date keeps this notebook
# reproducible). When the remittance gives no separate denial date, the remittance date stands in
# for the notice date: `notice_date_source` says so, and the notice in the patient's mail rules.

# %%
today = dt.date(2025, 1, 6)
denials = pk.open_denials(remits, as_of=today, plan_type="erisa_insured")
columns = ["appeal_deadline", "days_left", "claim_id", "plan_id", "procedure_code"]
denials.table[[*columns, "carc_label", "notice_date_source"]].head(8)

# %% [markdown]
# ## 5. Draft an appeal letter
#
# For the most urgent medical-necessity denial. The letter fills in the payer, the claim, the
# codes, the deadline and the parity disclosure requests (the plan's medical-necessity criteria,
# 29 CFR 2590.712(d)); every clinical fact is a `[bracketed placeholder]` for the clinician to
# complete from the record. paritykit never invents clinical facts.

# %%
urgent = denials.table[denials.table["carc_category"] == "medical_necessity"].iloc[0]
letter = pk.draft_appeal_letter(
    remits, claim_id=urgent["claim_id"], as_of=today, prepared_on=today, plan_type="erisa_insured"
)
print(letter.markdown[:2200])

# %%
print(len(letter.placeholders), "items to complete, for example:", letter.placeholders[7])
[p.name for p in write_appeal_letter(letter, OUT / "letters")]

# %% [markdown]
# ## 6. Real 835 files are messier
#
# Four public sample files from open-source X12 projects, vendored in `tests/data/public/x12/`
# (origins in `tests/data/public/SOURCES.md`), are not behavioral-health claims. The reader keeps
# what it can and reports every oddity, here a date that is not a date and a component separator
# that differs from the one the file declares. `action` says whether the claim was kept or
# excluded; an unbalanced claim is excluded and listed, never silently "fixed".

# %%
DATA = ROOT / "tests" / "data" / "public"
if not DATA.is_dir():
    raise FileNotFoundError(
        f"No tests/data/public folder in {ROOT}; run this notebook from a paritykit checkout "
        "(the public files and their origins are listed in tests/data/public/SOURCES.md)."
    )
SAMPLES = [
    "linuxforhealth_managed-care.835",
    "linuxforhealth_medicare-part-a.835",
    "linuxforhealth_secondary-payment.835",
    "pyx12_835_mult_loops.835",
]
samples = pk.read_835([DATA / "x12" / name for name in SAMPLES])
print(samples.summary())
samples.problems[["row", "column", "value", "problem", "action"]]

# %% [markdown]
# ## Next steps
#
# - Command line: `paritykit payers remits/ --out scorecard/`,
#   `paritykit appeals remits/ --as-of 2025-01-06`,
#   `paritykit appeal-letter remits/ --claim PK24000545 --out letters/`.
# - A billing-system CSV export instead of 835 files: `pk.read_billing_export(path, mapping=...)`
#   (`docs/practices.md`).
# - A pattern across many patients of one plan (for example 90837 denied for medical necessity
#   far more often than other payers deny it) is evidence for a parity complaint:
#   see `03_advocate_complaint`.

"""Write the notebooks in ``notebooks/`` from the cell lists in this file.

The notebooks are generated, not edited by hand: change a cell here, run
``.venv/bin/python scripts/make_notebooks.py``, and commit both this script and the notebooks.
The notebooks are written without outputs (outputs are stripped in git); ``make test`` executes
them (``tests/notebooks``). ``--check`` writes nothing and exits 1 when a committed notebook
differs from what this script generates, or carries outputs.

Each notebook is a list of ``(kind, source)`` cells, ``kind`` being ``"md"`` or ``"code"``.
Notebooks call the library only: anything that computes belongs in ``src/paritykit``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"

Cell = tuple[str, str]

# Shared snippets -------------------------------------------------------------------------------

#: Finds the repository root (for ``reports/notebooks/``) from the notebook's working folder.
FIND_OUT = """\
HERE = Path.cwd()
ROOT = next((p for p in (HERE, *HERE.parents) if (p / "pyproject.toml").is_file()), HERE)
OUT = ROOT / "reports" / "notebooks" / "{name}"
OUT.mkdir(parents=True, exist_ok=True)
print("Files from this notebook go to", OUT)"""

#: Finds the real public files vendored in ``tests/data/public`` of the repository (``ROOT``).
FIND_DATA = """\
DATA = ROOT / "tests" / "data" / "public"
if not DATA.is_dir():
    raise FileNotFoundError(
        f"No tests/data/public folder in {ROOT}; run this notebook from a paritykit checkout "
        "(the public files and their origins are listed in tests/data/public/SOURCES.md)."
    )"""

NOT_ADVICE = (
    "*paritykit gives evidence, not legal advice. A failed quantitative test is the "
    "regulation's arithmetic on the numbers you entered; every other finding is a warning sign "
    "that calls for the plan's explanation, not a legal conclusion.*"
)

# 01 quickstart ---------------------------------------------------------------------------------

QUICKSTART: list[Cell] = [
    (
        "md",
        f"""\
# 01 · Quickstart: the quantitative test and an evidence pack in ten cells

**Who this is for:** anyone opening paritykit for the first time: analysts, advocates, students.

**What it shows:** three fictional sample plans go through the federal parity law's
*quantitative test* for copays, coinsurance, deductibles and visit limits
(29 CFR 2590.712(c)(3)); we read the arithmetic behind one failing result, draw it, and build
the evidence pack a regulator can act on (an Excel workbook, charts and a complaint letter).

Everything here is synthetic and runs in a few seconds. Files are written to
`reports/notebooks/01_quickstart/` (ignored by git).

{NOT_ADVICE}""",
    ),
    (
        "code",
        """\
from pathlib import Path

import paritykit as pk
from paritykit.evidence.charts import plot_level_shares, save_figure
from paritykit.evidence.template import write_benefits_workbook
from paritykit.synth.benefits import sample_benefits, sample_plan_facts

"""
        + FIND_OUT.format(name="01_quickstart"),
    ),
    (
        "md",
        """\
## 1. A plan's benefit design

paritykit reads benefits from an Excel workbook (or CSV) with one row per benefit and type of
requirement: the plan, the classification (inpatient/outpatient, in/out of network,
emergency, prescription drugs), the side (`ms` for medical/surgical, `mhsud` for mental health
and substance use disorder), the level (a copay in dollars, a coinsurance in percent, a visit
limit...) and, for M/S benefits, the plan's **projected payments** for the year. Here we write
the bundled sample to a workbook and read it back, as you would read your own.""",
    ),
    (
        "code",
        """\
workbook = write_benefits_workbook(sample_benefits(), OUT / "sample_benefits.xlsx")
benefits = pk.read_benefits(workbook)
benefits.head(8)""",
    ),
    (
        "md",
        """\
## 2. Run the quantitative test

`quantitative_test` runs the regulation's arithmetic for every plan, classification and type
of requirement, with exact fractions (exactly two-thirds passes, exactly one-half does not).
`summary()` lists what fails.""",
    ),
    (
        "code",
        """\
result = pk.quantitative_test(benefits)
print(result.summary())""",
    ),
    (
        "md",
        """\
## 3. One row per determination

`to_frame()` gives one row per plan x classification x type of requirement. Read it left to
right, as the regulation does: the share of M/S payments **subject** to the type (at least
two-thirds means "substantially all"), then the **predominant level** (the level that applies
to more than half of subject payments), then the MH/SUD level, which may not be more
restrictive. Here are the rows that fail.""",
    ),
    (
        "code",
        """\
determinations = result.to_frame()
columns = ["plan_id", "classification", "sub_classification", "requirement_type"]
columns += ["subject_share", "predominant_level", "mhsud_level", "separate_accumulation"]
determinations.loc[~determinations["compliant"], columns]""",
    ),
    (
        "md",
        """\
## 4. The arithmetic behind SAMPLE-B's copay

Reviewers check the table, not the verdict. `levels` is the table the regulation's own
examples print: each M/S copay level, its projected payments, its share of subject payments,
and the most-restrictive-first running total that decides the predominant level.""",
    ),
    (
        "code",
        """\
levels = result.levels
levels[
    (levels["plan_id"] == "SAMPLE-B")
    & (levels["classification"] == "outpatient_in_network")
    & (levels["requirement_type"] == "copay")
]""",
    ),
    (
        "md",
        """\
## 5. The same arithmetic as a picture

The top bar splits all M/S payments into subject and not subject (the dashed line is
two-thirds); the bottom bar splits subject payments by level, most restrictive first (the line
is one-half). The triangle marks the MH/SUD copay: to the left of the predominant level means
more restrictive.""",
    ),
    (
        "code",
        """\
ax = plot_level_shares(
    result, plan_id="SAMPLE-B", classification="outpatient_in_network", requirement_type="copay"
)
save_figure(ax.figure, OUT / "level_shares_sample_b")""",
    ),
    (
        "md",
        """\
## 6. The findings, with their citations

`findings` puts the most serious first. `noncompliant` means the test fails **on the data
given**: if the projected payments are wrong, so is the answer, which is why the letter asks the
plan for its projection method. `review` rows are points to check, not determinations.""",
    ),
    (
        "code",
        """\
result.findings[["plan_id", "severity", "finding_kind", "finding", "citation"]]""",
    ),
    (
        "md",
        """\
## 7. Build the evidence pack for one plan

The pack needs *plan facts*: the plan's name, type (it decides which regulator gets the
letter), state and year. `sample_plan_facts` gives those of the fictional SAMPLE-B, an insured
employer plan in Ohio, so the letter goes to Ohio's insurance regulator with a copy to the U.S.
Department of Labor. Add `claims=` to include denial-rate evidence (notebook 02).""",
    ),
    (
        "code",
        """\
pack = pk.build_evidence_pack(workbook, plan=sample_plan_facts("SAMPLE-B"), out=OUT / "pack")
print(pack.summary())""",
    ),
    (
        "md",
        """\
## 8. What is in the pack

Every file with its SHA-256 hash (also in `manifest.json`), so a reader can check that nothing
changed after the pack was built. Open `evidence.xlsx` for the exhibits and
`complaint_letter.docx` for the letter.""",
    ),
    (
        "code",
        """\
pack.to_frame()""",
    ),
    (
        "md",
        """\
## 9. The start of the complaint letter

Facts paritykit does not know (your name, dates of requests you made) appear as
`[bracketed placeholders]`: fill them in or delete them before sending; nothing is invented.""",
    ),
    (
        "code",
        """\
letter = (pack.out_dir / "complaint_letter.md").read_text(encoding="utf-8")
print(letter[:2500])""",
    ),
    (
        "md",
        """\
## Where next

- `02_claims_disparities`: denial-rate evidence from millions of claim lines.
- `03_advocate_complaint`: from the Excel template to a complaint pack, for advocates.
- `04_practice_payers`: 835 remittances to a payer scorecard and appeal deadlines.
- `05_public_issuer_data`: compare insurers with the CMS Transparency in Coverage file.
- `docs/quantitative-test.md` explains the test step by step; `docs/evidence-pack.md` the pack.

The same pack from the command line:
`paritykit report --benefits benefits.xlsx --plan plan.yaml --out pack/`.""",
    ),
]

# 02 claims disparities -------------------------------------------------------------------------

CLAIMS: list[Cell] = [
    (
        "md",
        f"""\
# 02 · Claims disparities: two million claim lines through the engine

**Who this is for:** analysts with claims data: a plan or its auditor checking its own
operations, a regulator, a researcher.

**What it shows:** how paritykit turns claim lines into evidence about parity *in operation*:
scan and validate the lines, classify each one (MH/SUD or M/S, and which of the six
classifications), summarize outcomes, compare denial rates cell by cell and pooled, fit a model,
compare payment amounts, draw the charts, and link the results to the plan's NQTLs.
Each step says how to read its result.

The data are **synthetic with known answers**: two million lines for the three fictional
sample plans, with two disparities planted on purpose:

- SAMPLE-B denies MH/SUD outpatient in-network lines **1.8 times** as often as M/S lines;
- SAMPLE-C allows MH/SUD outpatient in-network lines **80%** of what it allows M/S lines.

Everything else is at parity, so we can see both what paritykit finds and what it does not
invent. The claims (about 30 MB) go to a temporary folder that is deleted when the kernel
stops; charts go to `reports/notebooks/02_claims_disparities/`.
The engine is DuckDB, in-process; the same calls run on Spark with `engine="pyspark"`.

{NOT_ADVICE}""",
    ),
    (
        "code",
        """\
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

"""
        + FIND_OUT.format(name="02_claims_disparities")
        + """
WORK_DIR = tempfile.TemporaryDirectory(prefix="paritykit-02-")  # deleted when the kernel stops
WORK = Path(WORK_DIR.name)""",
    ),
    (
        "md",
        """\
## 1. Two million synthetic claim lines

`synthesize_claims` writes Parquet inside DuckDB (no line passes through Python) and a JSON
sidecar with the true parameters. Real data never comes with a sidecar; here it lets us check
the analysis against the truth.""",
    ),
    (
        "code",
        """\
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
print(truth.summary())""",
    ),
    (
        "md",
        """\
## 2. Scan: a lazy table in the claims data contract

`scan_claims` reads CSV or Parquet files (one file, a folder or a glob) into a *lazy* Ibis
table: nothing is loaded into memory; each later step runs inside the engine. Pass
`columns={"claim_id": "Claim Number", ...}` when your headers differ from the contract's names
(`docs/data-contracts.md`).""",
    ),
    (
        "code",
        """\
claims = pk.scan_claims(WORK / "claims.parquet")
claims.head(5).to_pandas()""",
    ),
    (
        "md",
        """\
## 3. Validate: every line checked, nothing dropped silently

`validate_claims` checks dates, amounts, codes (diagnoses against the real ICD-10-CM code set)
and required fields. With `errors="exclude"` failing lines are dropped **and counted**: the
counts go into the evidence pack's Excluded data exhibit. With the default `errors="raise"` the
first bad file stops the run with every problem listed. This synthetic file is clean; on real
data, read the `checks` table before anything else.""",
    ),
    (
        "code",
        """\
validation = pk.validate_claims(claims, errors="exclude", source="claims.parquet")
print(validation.summary())
validation.checks[["check", "column", "lines", "action"]].head(8)""",
    ),
    (
        "md",
        """\
## 4. Classify: MH/SUD or M/S, and which classification

`classify_claims` applies the versioned default rules (ICD-10-CM chapter 5 diagnoses, CPT
psychiatry codes, revenue codes, place of service, bill type, network status) and says **which
rule** placed each line in `classified_by`. Lines no rule can place raise an error by default
(`unmapped="flag"` keeps them, marked). A few lines show how it reads them:""",
    ),
    (
        "code",
        """\
classified = pk.classify_claims(validation)
codes = ["claim_id", "diagnosis_code", "procedure_code", "place_of_service", "bill_type"]
added = ["side", "classification", "sub_classification", "classified_by"]
classified.select(*codes, "network_status", *added).head(8).to_pandas()""",
    ),
    (
        "md",
        """\
## 5. Outcome summary: one row per plan x classification x side

`summarize_outcomes` counts claims, denials (by reason group), prior-authorization requests
and denials, out-of-network claims and amounts, in the engine. The result is small (here 36
rows for two million lines) and is what every statistic below starts from. A rate whose
denominator is 0 is left empty and `note` says why; it is never set to 0.""",
    ),
    (
        "code",
        """\
outcomes = pk.summarize_outcomes(classified)
columns = ["plan_id", "classification", "side", "claims", "denied", "denial_rate"]
outcomes[[*columns, "denied_medical_necessity", "out_of_network_claims"]].head(12)""",
    ),
    (
        "md",
        """\
## 6. Per-cell comparison: MH/SUD vs M/S denial rates

`compare_rates` makes one 2 x 2 table per plan and classification and reports both rates, the
**rate ratio** (MH/SUD over M/S) with its 95% interval, a chi-square or exact test, the p-value
**adjusted** for testing 18 cells at once (Benjamini-Hochberg), and `flagged`: adjusted p below
0.05 *and* MH/SUD worse off.

How to read it:

- A flag is a **warning sign**: the difference is unlikely to be chance. It does not say why
  MH/SUD claims are denied more; that is what the plan's comparative analysis must explain.
- No flag is **not** evidence of parity: `detectable_ratio` is the smallest ratio the cell
  could have detected. A small cell may miss a real disparity.
- With millions of lines tiny differences become "significant": look at the size of the ratio
  too.""",
    ),
    (
        "code",
        """\
rates = pk.compare_rates(outcomes)
columns = ["plan_id", "classification", "mhsud_rate", "ms_rate", "rate_ratio"]
columns += ["rate_ratio_low", "rate_ratio_high", "p_adjusted", "flagged", "detectable_ratio"]
rates.sort_values("p_adjusted")[columns].head(6)""",
    ),
    (
        "md",
        """\
The planted 1.8x disparity in SAMPLE-B is found (estimate close to 1.8) and no other cell is
flagged. `rate_sentences` writes each row as the sentence the evidence pack uses:""",
    ),
    (
        "code",
        """\
for sentence in rate_sentences(rates[rates["flagged"]]):
    print(sentence)
print()
print(rate_sentences(rates).iloc[0])""",
    ),
    (
        "md",
        """\
## 7. Charts

A forest plot of the rate ratios: one row per cell, the dot at the ratio and the line its
interval, on a log scale; the dashed line at 1 means equal rates. Flagged cells are filled
diamonds. Charts are colour-blind safe and readable in greyscale.""",
    ),
    (
        "code",
        """\
ax = plot_rate_ratios(rates, title="MH/SUD vs M/S denial rates, synthetic claims")
save_figure(ax.figure, OUT / "denial_rate_ratios")""",
    ),
    (
        "md",
        """\
The two rates side by side for one plan, in percent (MH/SUD hatched):""",
    ),
    (
        "code",
        """\
ax = plot_rates_by_classification(rates, plan_id="SAMPLE-B", title="SAMPLE-B denial rates")
save_figure(ax.figure, OUT / "denial_rates_sample_b")""",
    ),
    (
        "md",
        """\
The out-of-network share of claims per care setting. A much higher MH/SUD share suggests that
members cannot find MH/SUD providers in the network: a question about network admission and
reimbursement (NQTLs), not a finding. In this synthetic data MH/SUD claims go out of network
more often by design.""",
    ),
    (
        "code",
        """\
ax = plot_out_of_network_share(outcomes, plan_id="SAMPLE-B", title="SAMPLE-B out of network")
save_figure(ax.figure, OUT / "out_of_network_share_sample_b")""",
    ),
    (
        "md",
        """\
## 8. Stratified: is MH/SUD worse *within* plans and classifications?

`stratified_test` pools the 18 cells with the Cochran-Mantel-Haenszel test and the
Mantel-Haenszel common odds and risk ratios, beside the crude comparison that ignores the
strata. Two things to read:

- If the crude and pooled ratios point in **opposite directions** (`direction_reversed`),
  mixing plans or classifications misleads (Simpson's paradox).
- A small **Breslow-Day** p-value says the ratio differs between strata, so one pooled number
  hides where the problem is: go back to the per-cell table. Here it is tiny, because the
  disparity sits in one cell only.""",
    ),
    (
        "code",
        """\
stratified = pk.stratified_test(outcomes)
print(stratified.summary())""",
    ),
    (
        "md",
        """\
## 9. A model: the MH/SUD odds ratio adjusted for plan and classification

`disparity_model` fits a logistic regression on the grouped counts (identical to a claim-level
fit for categorical covariates, without touching claim lines). `odds_ratio` is the MH/SUD
effect adjusted for the covariates. With many plans (about 20 or more) pass
`cluster="plan_id"` for cluster-robust standard errors; with three plans we do not.""",
    ),
    (
        "code",
        """\
model = pk.disparity_model(outcomes, covariates=["plan_id", "classification"])
print(model.summary())""",
    ),
    (
        "md",
        """\
## 10. Payments: comparing amounts, not rates

`compare_distributions` compares a claim-level amount between MH/SUD and M/S: the ratio of
medians with a bootstrap interval, the chance that an MH/SUD value exceeds an M/S value
(`relative_effect`, 0.5 = no difference) and a Brunner-Munzel rank test. With real data compare
the allowed amount **per unit as a share of a benchmark fee** for matched codes (for example
Medicare's fee for 99214 vs 90837); in this synthetic data every office visit shares one fee
range, so the allowed amount itself will do. We take the paid in-network office visits of the
first two weeks of the year (a selection in the engine, then a small table in memory).""",
    ),
    (
        "code",
        """\
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
amounts[columns]""",
    ),
    (
        "md",
        """\
SAMPLE-C's planted 0.8 ratio shows up; the other plans sit near 1. Lower payment for MH/SUD
care is a warning sign about reimbursement rates, an NQTL the plan must justify with comparable
factors.

## 11. Linking outcomes to the plan's NQTLs

`nqtl_review` compares what the plan says it does (its NQTL inventory; here the sample plans')
and tests the outcome linked to each NQTL (prior authorization to prior-authorization denial
rates, medical-necessity criteria to medical-necessity denials, ...), all in one
multiple-comparison family. Findings are questions for the plan, each with the documents to
request.""",
    ),
    (
        "code",
        """\
review = pk.nqtl_review(sample_nqtls(), outcomes=outcomes)
tests = review.outcome_tests
columns = ["plan_id", "classification", "nqtl_type", "measure", "mhsud_rate", "ms_rate"]
tests.loc[tests["flagged"], [*columns, "rate_ratio", "p_adjusted"]]""",
    ),
    (
        "md",
        """\
Two kinds of flag. SAMPLE-B's prior authorization: its MH/SUD prior-authorization denials run
at about 1.9 times the M/S rate, a side effect of the planted denial disparity (some of the
extra denials are for missing authorization). The out-of-network share is flagged in every plan
because this synthetic data sends MH/SUD claims out of network more often by design, the
pattern the Milliman and RTI studies found in real data. Each finding states the disparity, the
rule it rests on, the question for the plan and the documents to request:""",
    ),
    (
        "code",
        """\
findings = review.findings
prior_auth = findings[
    (findings["plan_id"] == "SAMPLE-B") & (findings["measure"] == "prior_auth_denial_rate")
].iloc[0]
print(prior_auth["finding"], prior_auth["disclosure_request"], sep="\\n\\n")""",
    ),
    (
        "md",
        """\
## What to do with a flag

1. Check the inputs: the Excluded data counts, the `classified_by` rules, the plan ids.
2. Look at size as well as significance: the ratio and its interval, the counts behind it.
3. Ask the plan for its comparative analysis of the NQTLs behind the outcome (prior
   authorization, medical-necessity criteria, network admission, reimbursement); the evidence
   pack's letter lists the disclosure requests.

Put it all in one pack with
`pk.build_evidence_pack(benefits, claims=..., plan=..., out=...)`, or on the command line
`paritykit report --benefits ... --claims ... --plan ... --out ...`.
`docs/statistics.md` gives every method with its reference; `docs/scaling.md` shows Spark.""",
    ),
]

# 03 advocate complaint -------------------------------------------------------------------------

ADVOCATE: list[Cell] = [
    (
        "md",
        f"""\
# 03 · For advocates: from the Excel template to a complaint pack

**Who this is for:** patient advocates, people helping a family member, consumer groups and
legal aid staff who have a plan's documents (the Summary of Benefits and Coverage, the plan
document or certificate of coverage) but no claims data.

**What it shows:** the whole path an advocate takes. Get the Excel template, fill it in from
the plan's documents, let paritykit check what you typed, run the quantitative test and the
NQTL review, say which plan this is, and build the complaint pack addressed to the right
regulator.

In real life you fill the template in Excel; in this notebook a few lines of code stand in for
your typing. The plan is fictional. Files go to `reports/notebooks/03_advocate_complaint/`.

{NOT_ADVICE} A lawyer or a state consumer assistance program can tell you what to do with the
pack.""",
    ),
    (
        "code",
        """\
from pathlib import Path

import paritykit as pk
from paritykit.evidence.charts import plot_level_shares, save_figure
from paritykit.evidence.template import write_benefits_template, write_benefits_workbook

"""
        + FIND_OUT.format(name="03_advocate_complaint"),
    ),
    (
        "md",
        """\
## 1. Get the template

The template has an **Instructions** sheet, a **Benefits** sheet (copays, coinsurance,
deductibles, day and visit limits) and an **NQTLs** sheet (prior authorization, concurrent
review, medical-necessity criteria, network admission...), filled in for one example plan so
you can see what goes where. From the command line: `paritykit template benefits my_plan.xlsx`.""",
    ),
    (
        "code",
        """\
template = write_benefits_template(OUT / "template.xlsx")
example = pk.read_benefits(template)
columns = ["classification", "sub_classification", "side", "benefit", "requirement_type"]
example[[*columns, "level", "projected_payments"]].head(12)""",
    ),
    (
        "md",
        """\
**Projected payments** (M/S rows only) are the plan's own projection of what it will pay for
each M/S benefit in the year. Plans rarely publish them: enter your best estimate and mark it
as such, or leave the example's figures, and ask the plan for its numbers. The pack's letter
asks for them, because the answer of the test depends on them.

## 2. Fill it in (here: in code)

Suppose the plan's documents show two things the example plan does not have:

1. a **$50 copay for psychotherapy office visits**, while primary care visits cost $25;
2. **prior authorization for psychotherapy after the 12th visit** in a year, and none for any
   medical office visit.

We copy the example, make those two changes, and save the workbook as `my_plan.xlsx`.""",
    ),
    (
        "code",
        """\
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
my_plan.name""",
    ),
    (
        "md",
        """\
## 3. paritykit checks what you typed

Reading the workbook validates every row: known classifications (common spellings such as
"Outpatient, in-network" are accepted), numbers where numbers belong, projected payments for
M/S rows. It lists **every** problem at once, with the row you see in Excel. Here is what
happens when a level is typed as words and a classification is misspelled:""",
    ),
    (
        "code",
        """\
typo = benefits.astype({"level": object})
typo.loc[typo["benefit"] == "Specialist visit", "level"] = "fifty dollars"
typo.loc[typo["benefit"] == "Imaging", "classification"] = "outpatient in netwrk"
typo_workbook = write_benefits_workbook(typo, OUT / "my_plan_with_typos.xlsx")
try:
    pk.read_benefits(typo_workbook)
except pk.DataValidationError as error:
    problems = error.problems
problems[["row", "column", "value", "problem"]]""",
    ),
    (
        "md",
        """\
Fix the rows named in the table and read the workbook again. The corrected workbook reads
cleanly:""",
    ),
    (
        "code",
        """\
plan_benefits = pk.read_benefits(my_plan)
plan_nqtls = pk.read_nqtls(my_plan)
len(plan_benefits), len(plan_nqtls)""",
    ),
    (
        "md",
        """\
## 4. The quantitative test

`FAILS` means the regulation's arithmetic, applied to the numbers in the workbook, does not
allow the MH/SUD level. The result is only as good as the projected payments.""",
    ),
    (
        "code",
        """\
result = pk.quantitative_test(plan_benefits)
print(result.summary())""",
    ),
    (
        "md",
        """\
The picture: M/S office-visit copays, most restrictive first. The $25 copay covers more than
half of the subject payments, so $25 is the predominant level; the triangle (MH/SUD $50) sits
to its left, on the more restrictive side.""",
    ),
    (
        "code",
        """\
ax = plot_level_shares(
    result,
    plan_id="MY-PLAN",
    classification="outpatient_in_network",
    sub_classification="office_visits",
    requirement_type="copay",
)
save_figure(ax.figure, OUT / "level_shares_office_visits")""",
    ),
    (
        "md",
        """\
## 5. The NQTL review

Prior authorization, medical-necessity criteria, network rules and the like are
**non-quantitative** limits: there is no arithmetic test. The plan must show that the reasons
and standards behind each one are comparable for MH/SUD and M/S and applied no more strictly.
paritykit compares the two sides of the inventory and turns each difference into a question
for the plan, with the documents to request:

- `warning_sign`: the plan treats MH/SUD differently as written; it must justify that.
- `insufficient`: something the plan's comparative analysis must contain is missing.
- `review`: a point to check.

The two `insufficient` findings appear because our new MH/SUD prior-authorization row names no
factors or evidentiary standards (the plan's documents rarely do): the plan's comparative
analysis must name them, so they become questions for the plan.""",
    ),
    (
        "code",
        """\
review = pk.nqtl_review(plan_nqtls)
print(review.summary())""",
    ),
    (
        "code",
        """\
findings = review.findings
print(findings.loc[0, "disclosure_request"])
findings[["nqtl_type", "finding_kind", "severity", "rule_basis"]]""",
    ),
    (
        "md",
        """\
`rule_basis` says which rule a finding rests on. The 2013 rule and the 2021 statute are
enforced; provisions new in the 2024 rule are not enforced federally since May 2025 (states
may enforce them).

## 6. Which plan is this? (plan facts)

The **plan type** decides who receives the complaint: the U.S. Department of Labor for a
self-funded employer plan, the state insurance department for insured plans and individual
policies, CMS for state and local government plans, the state Medicaid agency for Medicaid
managed care. The plan's documents usually say whether it is "self-funded" or "insured"; if
you are not sure, ask the employer's HR department.""",
    ),
    (
        "code",
        """\
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
facts""",
    ),
    (
        "md",
        """\
## 7. Build the complaint pack

One call: the workbook (Summary, exhibits, Method, Provenance), the charts, the complaint
letter in Word and Markdown, and a manifest of every file with its hash.""",
    ),
    (
        "code",
        """\
pack = pk.build_evidence_pack(my_plan, plan=facts, out=OUT / "pack")
print(pack.summary())""",
    ),
    (
        "md",
        """\
## 8. Read the letter before you send it

The letter is addressed by plan type, lists each finding with its exhibit and regulation, and
asks for the documents the plan must produce. Everything paritykit does not know is a
`[bracketed placeholder]`: your name, your relationship to the plan, requests you already made.
Fill them in or delete them; never send a letter with brackets left in it.""",
    ),
    (
        "code",
        """\
letter = (pack.out_dir / "complaint_letter.md").read_text(encoding="utf-8")
print(letter[:3000])""",
    ),
    (
        "md",
        """\
## Next steps

- Open `reports/notebooks/03_advocate_complaint/pack/complaint_letter.docx` in Word, complete
  it, and send it with `evidence.xlsx` to the address at its top.
- Keep copies of everything you send and the dates.
- If you are appealing a denial at the same time, the appeal deadline does not wait for the
  complaint: see `04_practice_payers` and `docs/practices.md`.

Command-line equivalent:
`paritykit report --benefits my_plan.xlsx --plan plan.yaml --out pack/`.""",
    ),
]

# 04 practice payers ----------------------------------------------------------------------------

PRACTICE: list[Cell] = [
    (
        "md",
        """\
# 04 · For practices: 835 remittances to a payer scorecard and appeal deadlines

**Who this is for:** therapy and psychiatry practices: the practice manager, the biller, the
clinician who keeps getting denials from one payer.

**What it shows:** how to turn the electronic remittances (ERA, X12 835 files) the practice
already receives into

1. a **payer scorecard**: which payer denies more often, pays less or pays later than the others;
2. the list of **open denials by appeal deadline**, soonest first;
3. a **draft appeal letter** for one denial, with the deadline, the documentation checklist and
   the parity disclosure requests;

and what the reader reports when a real-world 835 file is odd.

The practice year here is synthetic (four fictional payers, 2,000 claims in 2024), written as
quarterly 835 files in varied layouts, as clearinghouses deliver them. Files go to a temporary
folder and `reports/notebooks/04_practice_payers/`.

*paritykit gives drafting help and evidence, not legal advice. A payer that denies more often
than the others is a warning sign that calls for an explanation, not proof of a parity
violation.* Real remittances contain protected health information: paritykit runs on your own
computer and sends nothing anywhere.""",
    ),
    (
        "code",
        """\
import datetime as dt
import tempfile
from pathlib import Path

import paritykit as pk
from paritykit.evidence.appeal_letter import write_appeal_letter
from paritykit.evidence.payer_charts import plot_payer_denial_rates
from paritykit.evidence.payer_workbook import write_payer_workbook
from paritykit.synth.remittances import write_practice_year

"""
        + FIND_OUT.format(name="04_practice_payers")
        + """
WORK_DIR = tempfile.TemporaryDirectory(prefix="paritykit-04-")  # deleted when the kernel stops
WORK = Path(WORK_DIR.name)""",
    ),
    (
        "md",
        """\
## 1. A year of remittance files

In real life: point paritykit at the folder your clearinghouse or practice-management system
downloads ERA files into. Here we generate one.""",
    ),
    (
        "code",
        """\
year = pk.synthetic_remittances(claims=2000, seed=0)
files = write_practice_year(year, WORK / "remits")
[f.name for f in files[:6]]""",
    ),
    (
        "md",
        """\
## 2. Read the 835 files

`read_835` reads every file in the folder, checks that each claim balances (charge minus
payment equals the adjustments), matches reversals (CLP02 = 22) to the payments they cancel,
and lists anything odd in `problems`. The result has one row per service line.""",
    ),
    (
        "code",
        """\
remits = pk.read_835(WORK / "remits")
print(remits.summary())
columns = ["claim_id", "plan_id", "service_date", "procedure_code", "status", "denial_reason"]
remits.claims[[*columns, "billed_amount", "paid_amount", "payment_date"]].head()""",
    ),
    (
        "md",
        """\
## 3. The payer scorecard

Each payer's denial rate (denied lines over all lines) with its 95% interval, compared with all
other payers pooled: the rate ratio, a p-value adjusted for comparing several payers, and
`FLAGGED` when the payer denies significantly more often than the others.

How to read it: a flagged payer is a payer to ask questions of (which services, which reasons,
which criteria). A ratio below 1 means the payer denies *less* often than the others.""",
    ),
    (
        "code",
        """\
card = pk.payer_scorecard(remits)
print(card.summary())""",
    ),
    (
        "md",
        """\
The same as a chart: the dot is the payer's denial rate, the bar its interval, the dashed line
the rate over all payers; flagged payers are orange diamonds.""",
    ),
    (
        "code",
        """\
ax = plot_payer_denial_rates(card)""",
    ),
    (
        "md",
        """\
Why are claims denied, and how fast does each payer pay? Denial reasons (CARC codes) are sorted
into categories; a high share of **medical necessity** or **authorization** denials for routine
psychotherapy is where parity questions usually start.""",
    ),
    (
        "code",
        """\
payers = card.table[card.table["grouping"] == "payer"]
reasons = ["denied_medical_necessity", "denied_authorization", "denied_missing_information"]
payers[["plan_id", "claim_lines", "denial_rate", *reasons, "days_to_payment_median", "flagged"]]""",
    ),
    (
        "md",
        """\
Per procedure code: the 60-minute psychotherapy session (90837) is the code payers most often
question. Each payer's 90837 lines are compared with the other payers' 90837 lines, and the
median paid per session is given per code (paying less for the same code is a reimbursement
question, another NQTL).""",
    ),
    (
        "code",
        """\
by_code = card.table[
    (card.table["grouping"] == "payer_procedure") & (card.table["procedure_code"] == "90837")
]
columns = ["plan_id", "claim_lines", "denial_rate", "paid_amount_median", "rate_ratio"]
by_code[[*columns, "p_adjusted", "flagged"]]""",
    ),
    (
        "md",
        """\
Save the scorecard as a workbook (scorecard, procedure codes, denial reasons, a chart, the
method and the input files with their hashes). Counts from 1 to 10 are suppressed by default,
so the workbook can be shared without revealing individual patients.""",
    ),
    (
        "code",
        """\
inputs = [(Path(f), "835 remittance") for f in remits.files]
written = write_payer_workbook(card, OUT / "scorecard", inputs=inputs)
[p.name for p in written]""",
    ),
    (
        "md",
        """\
## 4. Open denials, soonest deadline first

An internal appeal must usually be filed within 180 days of the denial notice (the plan's
documents may allow longer). `open_denials` lists each denied claim with its deadline and the
days left, counted from `as_of` (use `dt.date.today()`; a fixed date keeps this notebook
reproducible). When the remittance gives no separate denial date, the remittance date stands in
for the notice date: `notice_date_source` says so, and the notice in the patient's mail rules.""",
    ),
    (
        "code",
        """\
today = dt.date(2025, 1, 6)
denials = pk.open_denials(remits, as_of=today, plan_type="erisa_insured")
columns = ["appeal_deadline", "days_left", "claim_id", "plan_id", "procedure_code"]
denials.table[[*columns, "carc_label", "notice_date_source"]].head(8)""",
    ),
    (
        "md",
        """\
## 5. Draft an appeal letter

For the most urgent medical-necessity denial. The letter fills in the payer, the claim, the
codes, the deadline and the parity disclosure requests (the plan's medical-necessity criteria,
29 CFR 2590.712(d)); every clinical fact is a `[bracketed placeholder]` for the clinician to
complete from the record. paritykit never invents clinical facts.""",
    ),
    (
        "code",
        """\
urgent = denials.table[denials.table["carc_category"] == "medical_necessity"].iloc[0]
letter = pk.draft_appeal_letter(
    remits, claim_id=urgent["claim_id"], as_of=today, prepared_on=today, plan_type="erisa_insured"
)
print(letter.markdown[:2200])""",
    ),
    (
        "code",
        """\
print(len(letter.placeholders), "items to complete, for example:", letter.placeholders[7])
[p.name for p in write_appeal_letter(letter, OUT / "letters")]""",
    ),
    (
        "md",
        """\
## 6. Real 835 files are messier

Four public sample files from open-source X12 projects, vendored in `tests/data/public/x12/`
(origins in `tests/data/public/SOURCES.md`), are not behavioral-health claims. The reader keeps
what it can and reports every oddity, here a date that is not a date and a component separator
that differs from the one the file declares. `action` says whether the claim was kept or
excluded; an unbalanced claim is excluded and listed, never silently "fixed".""",
    ),
    (
        "code",
        FIND_DATA
        + """
SAMPLES = [
    "linuxforhealth_managed-care.835",
    "linuxforhealth_medicare-part-a.835",
    "linuxforhealth_secondary-payment.835",
    "pyx12_835_mult_loops.835",
]
samples = pk.read_835([DATA / "x12" / name for name in SAMPLES])
print(samples.summary())
samples.problems[["row", "column", "value", "problem", "action"]]""",
    ),
    (
        "md",
        """\
## Next steps

- Command line: `paritykit payers remits/ --out scorecard/`,
  `paritykit appeals remits/ --as-of 2025-01-06`,
  `paritykit appeal-letter remits/ --claim PK24000545 --out letters/`.
- A billing-system CSV export instead of 835 files: `pk.read_billing_export(path, mapping=...)`
  (`docs/practices.md`).
- A pattern across many patients of one plan (for example 90837 denied for medical necessity
  far more often than other payers deny it) is evidence for a parity complaint:
  see `03_advocate_complaint`.""",
    ),
]

# 05 public issuer data -------------------------------------------------------------------------

PUBLIC: list[Cell] = [
    (
        "md",
        """\
# 05 · Public issuer data: comparing insurers with the CMS TC-PUF

**Who this is for:** advocates, journalists, researchers and regulators without claims data.

**What it shows:** the CMS **Transparency in Coverage public use file** (TC-PUF), the one
public file with claim denial counts for every insurer on HealthCare.gov. paritykit reads the
real plan-year 2024 file (claims of calendar year 2022), applies KFF's published exclusions,
ranks insurers by denial rate within their state, compares each insurer with the rest of its
state and the nation, and reports the only behavioral-health-specific figure in the file: the
behavioral-health share of medical-necessity denials.

Read every number with the file's limits in mind (`docs/public-data.md`): the figures are
**self-reported and unaudited**, cover HealthCare.gov states only, are two years old, count
claims rather than people, and code denial reasons inconsistently. A high denial rate is a
reason to ask an insurer questions, **not** evidence that it broke the parity law.
*paritykit gives evidence, not legal advice.*

The file is the one vendored, unmodified, in `tests/data/public/tc_puf/` (its origin is in
`tests/data/public/SOURCES.md`). Charts go to
`reports/notebooks/05_public_issuer_data/`.""",
    ),
    (
        "code",
        """\
from pathlib import Path

import paritykit as pk
from paritykit.evidence.charts import save_figure
from paritykit.evidence.issuer_charts import plot_issuer_ranking

"""
        + FIND_OUT.format(name="05_public_issuer_data")
        + "\n"
        + FIND_DATA
        + "\nDATA",
    ),
    (
        "md",
        """\
## 1. Read the file

`read_tc_puf` recognizes the release by its header names (not column positions), reads all
sheets, takes each insurer's figures **once** (they repeat on every plan row; summing them would
multiply an insurer's claims by its number of plans), and keeps CMS's markers (`*` not
available, `**` suppressed, `***` not required, `N/A` new) as missing values, never as zero.""",
    ),
    (
        "code",
        """\
puf = pk.read_tc_puf(DATA / "tc_puf" / "tc_puf_py2024_cy2022_experience.xlsx")
print(puf.summary())""",
    ),
    (
        "md",
        """\
The reader's notes say what it did that a reviewer should know (sheets skipped, duplicate plan
rows collapsed):""",
    ),
    (
        "code",
        """\
puf.notes["kind"].value_counts()""",
    ),
    (
        "md",
        """\
## 2. Denial rates with KFF's exclusions

`filters="kff"` follows KFF's published method: medical insurers only, at least 1,000 claims
and 1,000 enrollees, no missing or marked figures, no more denials than claims. Every insurer
left out is listed with its reason.""",
    ),
    (
        "code",
        """\
result = pk.issuer_denials(puf, filters="kff")
print(result.summary())""",
    ),
    (
        "code",
        """\
result.exclusions["reason"].value_counts()""",
    ),
    (
        "md",
        """\
## 3. One state's insurers

In-network denial rates in Ohio, with 95% intervals and the rank in the state (1 = highest
rate). The intervals are far too narrow to trust as they stand: claims of one person or
provider are not independent. Compare the **size** of the differences.""",
    ),
    (
        "code",
        """\
ohio = result.rates[(result.rates["state"] == "OH") & (result.rates["network"] == "in_network")]
columns = ["issuer_id", "issuer_name", "claims_received", "claims_denied", "denial_rate"]
ohio.sort_values("rank_in_state")[[*columns, "rank_in_state"]]""",
    ),
    (
        "md",
        """\
A ranked dot plot; the insurer with the highest rate in the state is highlighted.""",
    ),
    (
        "code",
        """\
highest = ohio.loc[ohio["rank_in_state"] == 1, "issuer_id"].iloc[0]
ax = plot_issuer_ranking(result, state="OH", highlight=highest)
save_figure(ax.figure, OUT / "ohio_in_network_denial_rates")""",
    ),
    (
        "md",
        """\
## 4. Each insurer against the rest of its state and the nation

The reference group leaves the insurer itself out. `rate_ratio` above 1 means the insurer
denies more often than the others; `flagged` means the Holm-adjusted p-value is below 0.05. With
millions of claims nearly everything is "significant", so read the ratio first.""",
    ),
    (
        "code",
        """\
comparisons = result.comparisons
ohio_vs = comparisons[(comparisons["state"] == "OH") & (comparisons["network"] == "in_network")]
columns = ["issuer_name", "reference", "denial_rate", "reference_rate", "rate_ratio"]
ohio_vs[[*columns, "rate_ratio_ci_low", "rate_ratio_ci_high", "flagged"]].sort_values(
    ["reference", "rate_ratio"], ascending=False
)""",
    ),
    (
        "md",
        """\
## 5. Behavioral health: the share of medical-necessity denials

The file splits medical-necessity denials into behavioral health and everything else, per plan.
paritykit sums them over each insurer's medical plans that report both figures (the plans
left out are counted). Caution: insurers choose which reason they report, and most denials are
filed under "other"; a low share may mean behavioral-health denials are filed elsewhere, not
that there are few of them. An insurer reporting no medical-necessity denials at all gets an
empty share (0 of 0 is not 0%).""",
    ),
    (
        "code",
        """\
oh_issuers = result.issuers[result.issuers["state"] == "OH"]
columns = ["issuer_name", "mn_denials_bh", "mn_denials_other", "bh_share_of_mn_denials"]
oh_issuers[[*columns, "plans_reporting_mn", "plans_not_reporting_mn"]]""",
    ),
    (
        "md",
        """\
## 6. Appeals

Internal appeals filed per denied in-network claim (KFF's measure) and the share overturned.
Very few denials are appealed; many counts are suppressed in the file (shown as missing).""",
    ),
    (
        "code",
        """\
appeals = ["internal_appeals_filed", "internal_appeals_overturned", "overturn_rate"]
oh_issuers[["issuer_name", *appeals, "appeal_rate"]]""",
    ),
    (
        "md",
        """\
## 7. How much do the exclusions matter?

The national in-network rate with KFF's exclusions and with none (only insurers whose rate
cannot be computed are left out). A large change would mean the headline depends on which
insurers are counted.""",
    ),
    (
        "code",
        """\
unfiltered = pk.issuer_denials(puf, filters="none")
{
    "kff": float(result.national()["denial_rate"]),
    "none": float(unfiltered.national()["denial_rate"]),
}""",
    ),
    (
        "md",
        """\
## Next steps

- Command line: `paritykit issuers PUF.xlsx --state OH --issuer 52664 --out DIR`.
- If an insurer stands out, ask it for its medical-necessity criteria and its NQTL comparative
  analyses; for a member's own plan, notebook `03_advocate_complaint` builds the complaint pack.
- Method and limits: `docs/public-data.md`.""",
    ),
]

NOTEBOOKS: dict[str, list[Cell]] = {
    "01_quickstart": QUICKSTART,
    "02_claims_disparities": CLAIMS,
    "03_advocate_complaint": ADVOCATE,
    "04_practice_payers": PRACTICE,
    "05_public_issuer_data": PUBLIC,
}

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def build(name: str, cells: list[Cell]) -> nbformat.NotebookNode:
    """Return the notebook ``name`` with ``cells``, no outputs and stable cell ids."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    for index, (kind, source) in enumerate(cells):
        if kind == "md":
            cell = nbformat.v4.new_markdown_cell(source)
        elif kind == "code":
            cell = nbformat.v4.new_code_cell(source)
        else:
            raise ValueError(f"{name} cell {index}: kind {kind!r}; expected 'md' or 'code'.")
        cell.id = f"{name[:2]}-{index:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def render(nb: nbformat.NotebookNode) -> str:
    """The notebook as the text committed to git."""
    return nbformat.writes(nb) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when a committed notebook differs from the generated one",
    )
    args = parser.parse_args(argv)
    stale = []
    for name, cells in NOTEBOOKS.items():
        path = NOTEBOOK_DIR / f"{name}.ipynb"
        text = render(build(name, cells))
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        if args.check:
            stale.append(path.name)
        else:
            NOTEBOOK_DIR.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    extra = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb") if p.stem not in NOTEBOOKS)
    if args.check and (stale or extra):
        for name in stale:
            print(f"{name}: differs from scripts/make_notebooks.py; run it and commit the result")
        for name in extra:
            print(f"{name}: not generated by scripts/make_notebooks.py; add it there")
        return 1
    if args.check:
        print(f"{len(NOTEBOOKS)} notebooks match scripts/make_notebooks.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())

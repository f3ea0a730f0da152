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
# # 06 · Your own claims export: a column map, then the whole analysis
#
# **Who this is for:** an analyst with a claims extract from a plan, a TPA or a data warehouse
# whose headers and codes are not spelled the way paritykit's claims contract spells them.
#
# **What it shows:** start to finish on one file, the way you would run your own: write a
# column map once (a YAML file you keep beside the extract), scan the export through it, read
# what validation excluded and why, classify the lines into the regulation's six
# classifications, compare MH/SUD with M/S denial rates, and write the tidy tables and a chart.
#
# The "export" here is synthetic: we make one with a vendor's headers and spelling
# ("Claim Number", "In-Network", "DENIED", "$1,234.50", revenue codes without their leading zero)
# and plant three bad lines so that you can see how exclusions are reported. Replace `EXPORT` and
# the map with your own file and headers. Files go to `reports/notebooks/06_claims_own_columns/`
# (ignored by git).
#
# *paritykit gives evidence, not legal advice. A higher MH/SUD denial rate is a warning sign that
# calls for the plan's explanation, not a legal conclusion.*

# %%
import tempfile
from pathlib import Path

import duckdb

import paritykit as pk
from paritykit.evidence.charts import plot_rates_by_classification, save_figure
from paritykit.stats import rate_sentences

HERE = Path.cwd()
ROOT = next((p for p in (HERE, *HERE.parents) if (p / "pyproject.toml").is_file()), HERE)
OUT = ROOT / "reports" / "notebooks" / "06_claims_own_columns"
OUT.mkdir(parents=True, exist_ok=True)
print("Files from this notebook go to", OUT)
WORK_DIR = tempfile.TemporaryDirectory(prefix="paritykit-06-")  # deleted when the kernel stops
WORK = Path(WORK_DIR.name)

# %% [markdown]
# ## 1. An export with its own headers
#
# We generate 200,000 synthetic claim lines for two plans (with MH/SUD outpatient denials
# planted 1.6 times as often in the second plan), then write them the way a vendor might: other
# column names, status and network words in capitals, dollar signs and thousands separators,
# unpadded revenue codes. Three lines are spoiled on purpose: a date that does not exist, a
# blank status and a missing billed amount.

# %%
pk.synthesize_claims(
    WORK / "truth.parquet",
    rows=200_000,
    plans=2,
    plan_ids=["ACME-GOLD", "ACME-SILVER"],
    seed=11,
    disparities=[
        pk.ClaimsDisparity("denial_rate", 1.6, plan=2, classification="outpatient_in_network")
    ],
)
EXPORT = WORK / "acme_claims_export.csv"
duckdb.sql(f"""
    COPY (
        SELECT
            claim_id AS "Claim Number",
            line_number AS "Line No",
            plan_id AS "Benefit Plan",
            member_id AS "Member Key",
            CASE WHEN row_number() OVER () = 10 THEN '2024-02-30'
                 ELSE strftime(service_date, '%Y-%m-%d') END AS "DOS From",
            diagnosis_code AS "Primary Dx",
            procedure_code AS "CPT/HCPCS",
            ltrim(revenue_code, '0') AS "Rev Code",
            place_of_service AS "POS",
            bill_type AS "TOB",
            upper(claim_type) AS "Form Type",
            CASE network_status WHEN 'in' THEN 'In-Network'
                 ELSE 'Out-of-Network' END AS "Par Status",
            CASE WHEN row_number() OVER () = 20 THEN '' ELSE upper(status) END AS "Line Status",
            CASE WHEN denial_reason IS NULL THEN NULL ELSE 'CO-' || denial_reason END AS "CARC",
            prior_auth AS "Auth",
            CASE WHEN row_number() OVER () = 30 THEN NULL
                 ELSE '$' || format('{{:,.2f}}', billed_amount) END AS "Billed",
            '$' || format('{{:,.2f}}', allowed_amount) AS "Allowed",
            '$' || format('{{:,.2f}}', paid_amount) AS "Paid"
        FROM '{WORK / "truth.parquet"}'
    ) TO '{EXPORT}' (HEADER, DELIMITER ',')
""")
print(EXPORT.read_text(encoding="utf-8").splitlines()[:3])

# %% [markdown]
# ## 2. The column map, kept as a file
#
# The map says, for each contract column, which header in your export holds it. Headers that
# already spell a contract name (in any case, with spaces or dashes) need no entry. Keep the map
# in a YAML file beside the extract: the same file works on the command line
# (`paritykit outcomes acme_claims_export.csv --columns acme_columns.yaml`).

# %%
COLUMN_MAP = WORK / "acme_columns.yaml"
COLUMN_MAP.write_text(
    """\
columns:
  claim_id: Claim Number
  line_number: Line No
  plan_id: Benefit Plan
  member_id: Member Key
  service_date: DOS From
  diagnosis_code: Primary Dx
  procedure_code: CPT/HCPCS
  revenue_code: Rev Code
  place_of_service: POS
  bill_type: TOB
  claim_type: Form Type
  network_status: Par Status
  status: Line Status
  denial_reason: CARC
  prior_auth: Auth
  billed_amount: Billed
  allowed_amount: Allowed
  paid_amount: Paid
""",
    encoding="utf-8",
)
columns = pk.load_column_map(COLUMN_MAP)
claims = pk.scan_claims(EXPORT, columns=columns)
claims.select(
    "claim_id", "plan_id", "service_date", "revenue_code", "network_status", "status",
    "denial_reason", "billed_amount",
).head(5).to_pandas()

# %% [markdown]
# The scan is lazy (an Ibis table in DuckDB): nothing is loaded into memory, so the same code
# runs on a file of hundreds of millions of lines. `In-Network` became `in`, `DENIED` became
# `denied`, `CO-50` became the code `50`, `$1,234.50` an exact decimal and revenue code `450`
# became `0450`.
#
# ## 3. What validation excluded, and why
#
# With `errors="exclude"` every bad line is left out and counted; nothing is dropped silently.
# The checks table names the check, the column, how many lines failed and an example; lines whose
# spelling was only normalized (`DENIED` -> `denied`) are counted too, and kept.

# %%
validation = pk.validate_claims(claims, errors="exclude", source=EXPORT.name)
print(validation.summary())
checks = validation.checks[validation.checks["lines"] > 0]
checks[["check", "column", "lines", "action"]]

# %%
excluded = checks[checks["action"] == "excluded"]
assert excluded["lines"].sum() == 3, "the three planted bad lines are excluded and counted"

# %% [markdown]
# ## 4. Classify, summarize, compare
#
# `classify_claims` puts each line on its side (MH/SUD or M/S, decided by the diagnosis) and in
# one of the six classifications (inpatient/outpatient, in/out of network, emergency,
# prescription drugs). `summarize_outcomes` aggregates in the engine; member identifiers never
# leave this step. `compare_rates` tests MH/SUD against M/S in each plan and classification,
# with adjusted p-values and the smallest ratio the data could detect.

# %%
classified = pk.classify_claims(validation)
outcomes = pk.summarize_outcomes(classified)
rates = pk.compare_rates(outcomes)
shown = ["plan_id", "classification", "mhsud_rate", "ms_rate", "rate_ratio"]
shown += ["rate_ratio_low", "rate_ratio_high", "p_adjusted", "flagged"]
rates.sort_values("p_adjusted")[shown].head(6)

# %%
for sentence in rate_sentences(rates[rates["flagged"]]):
    print(sentence)

# %% [markdown]
# ## 5. Keep the tidy tables and a chart
#
# The tables are tidy (one row per plan, classification and side), ready for your own checks
# or a regulator's. The chart is the one the evidence pack uses.

# %%
outcomes.to_csv(OUT / "outcomes.csv", index=False)
rates.to_csv(OUT / "rate_comparisons.csv", index=False)
ax = plot_rates_by_classification(rates, plan_id="ACME-SILVER", title="ACME-SILVER denial rates")
save_figure(ax.figure, OUT / "denial_rates_acme_silver")
sorted(p.name for p in OUT.iterdir())

# %% [markdown]
# **Next:** the same run on the command line is
# `paritykit outcomes acme_claims_export.csv --columns acme_columns.yaml`. For the quantitative
# test and a regulator-ready pack (report PDF, workbook, letter), see notebooks 01 and 03 and
# `docs/evidence-pack.md`.

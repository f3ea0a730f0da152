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
# # 05 · Public issuer data: comparing insurers with the CMS TC-PUF
#
# **Who this is for:** advocates, journalists, researchers and regulators without claims data.
#
# **What it shows:** the CMS **Transparency in Coverage public use file** (TC-PUF), the one
# public file with claim denial counts for every insurer on HealthCare.gov. paritykit reads the
# real plan-year 2024 file (claims of calendar year 2022), applies KFF's published exclusions,
# ranks insurers by denial rate within their state, compares each insurer with the rest of its
# state and the nation, and reports the only behavioral-health-specific figure in the file: the
# behavioral-health share of medical-necessity denials.
#
# Read every number with the file's limits in mind (`docs/public-data.md`): the figures are
# **self-reported and unaudited**, cover HealthCare.gov states only, are two years old, count
# claims rather than people, and code denial reasons inconsistently. A high denial rate is a
# reason to ask an insurer questions, **not** evidence that it broke the parity law.
# *paritykit gives evidence, not legal advice.*
#
# The file is the one vendored, unmodified, in `tests/data/public/tc_puf/` (its origin is in
# `tests/data/public/SOURCES.md`). Charts go to
# `reports/notebooks/05_public_issuer_data/`.

# %%
from pathlib import Path

import paritykit as pk
from paritykit.evidence.charts import save_figure
from paritykit.evidence.issuer_charts import plot_issuer_ranking

HERE = Path.cwd()
ROOT = next((p for p in (HERE, *HERE.parents) if (p / "pyproject.toml").is_file()), HERE)
OUT = ROOT / "reports" / "notebooks" / "05_public_issuer_data"
OUT.mkdir(parents=True, exist_ok=True)
print("Files from this notebook go to", OUT)
DATA = ROOT / "tests" / "data" / "public"
if not DATA.is_dir():
    raise FileNotFoundError(
        f"No tests/data/public folder in {ROOT}; run this notebook from a paritykit checkout "
        "(the public files and their origins are listed in tests/data/public/SOURCES.md)."
    )
DATA

# %% [markdown]
# ## 1. Read the file
#
# `read_tc_puf` recognizes the release by its header names (not column positions), reads all
# sheets, takes each insurer's figures **once** (they repeat on every plan row; summing them would
# multiply an insurer's claims by its number of plans), and keeps CMS's markers (`*` not
# available, `**` suppressed, `***` not required, `N/A` new) as missing values, never as zero.

# %%
puf = pk.read_tc_puf(DATA / "tc_puf" / "tc_puf_py2024_cy2022_experience.xlsx")
print(puf.summary())

# %% [markdown]
# The reader's notes say what it did that a reviewer should know (sheets skipped, duplicate plan
# rows collapsed):

# %%
puf.notes["kind"].value_counts()

# %% [markdown]
# ## 2. Denial rates with KFF's exclusions
#
# `filters="kff"` follows KFF's published method as its 2024 edition's totals show it: insurers
# with individual-market medical plans only, at least 1,000 claims received, no missing or marked
# figures, no more denials than claims. Plan enrollment is mostly masked in the file, so it is
# treated as unknown, not small: there is no enrollment test unless you ask for one
# (`min_enrollment=`). Every insurer left out is listed with its reason and the counts behind it.

# %%
result = pk.issuer_denials(puf, filters="kff")
print(result.summary())

# %%
result.exclusions["reason"].value_counts()

# %% [markdown]
# ## 3. One state's insurers
#
# In-network denial rates in Ohio, with 95% intervals and the rank in the state (1 = highest
# rate). The intervals are far too narrow to trust as they stand: claims of one person or
# provider are not independent. Compare the **size** of the differences.

# %%
ohio = result.rates[(result.rates["state"] == "OH") & (result.rates["network"] == "in_network")]
columns = ["issuer_id", "issuer_name", "claims_received", "claims_denied", "denial_rate"]
ohio.sort_values("rank_in_state")[[*columns, "rank_in_state"]]

# %% [markdown]
# A ranked dot plot; the insurer with the highest rate in the state is highlighted.

# %%
highest = ohio.loc[ohio["rank_in_state"] == 1, "issuer_id"].iloc[0]
ax = plot_issuer_ranking(result, state="OH", highlight=highest)
save_figure(ax.figure, OUT / "ohio_in_network_denial_rates")

# %% [markdown]
# ## 4. Each insurer against the rest of its state and the nation
#
# The reference group leaves the insurer itself out. `rate_ratio` above 1 means the insurer
# denies more often than the others; `flagged` means the Holm-adjusted p-value is below 0.05. With
# millions of claims nearly everything is "significant", so read the ratio first.

# %%
comparisons = result.comparisons
ohio_vs = comparisons[(comparisons["state"] == "OH") & (comparisons["network"] == "in_network")]
columns = ["issuer_name", "reference", "denial_rate", "reference_rate", "rate_ratio"]
ohio_vs[[*columns, "rate_ratio_ci_low", "rate_ratio_ci_high", "flagged"]].sort_values(
    ["reference", "rate_ratio"], ascending=False
)

# %% [markdown]
# ## 5. Behavioral health: the share of medical-necessity denials
#
# The file splits medical-necessity denials into behavioral health and everything else, per plan.
# paritykit sums them over each insurer's medical plans that report both figures (the plans
# left out are counted). Caution: insurers choose which reason they report, and most denials are
# filed under "other"; a low share may mean behavioral-health denials are filed elsewhere, not
# that there are few of them. An insurer reporting no medical-necessity denials at all gets an
# empty share (0 of 0 is not 0%).

# %%
oh_issuers = result.issuers[result.issuers["state"] == "OH"]
columns = ["issuer_name", "mn_denials_bh", "mn_denials_other", "bh_share_of_mn_denials"]
oh_issuers[[*columns, "plans_reporting_mn", "plans_not_reporting_mn"]]

# %% [markdown]
# ## 6. Appeals
#
# Internal appeals filed per denied in-network claim (KFF's measure) and the share overturned.
# Very few denials are appealed; many counts are suppressed in the file (shown as missing).

# %%
appeals = ["internal_appeals_filed", "internal_appeals_overturned", "overturn_rate"]
oh_issuers[["issuer_name", *appeals, "appeal_rate"]]

# %% [markdown]
# ## 7. How much do the exclusions matter?
#
# The national in-network rate with KFF's exclusions and with none (only insurers whose rate
# cannot be computed are left out). A large change would mean the headline depends on which
# insurers are counted.

# %%
unfiltered = pk.issuer_denials(puf, filters="none")
{
    "kff": float(result.national()["denial_rate"]),
    "none": float(unfiltered.national()["denial_rate"]),
}

# %% [markdown]
# ## Next steps
#
# - Command line: `paritykit issuers PUF.xlsx --state OH --issuer 52664 --out DIR`.
# - If an insurer stands out, ask it for its medical-necessity criteria and its NQTL comparative
#   analyses; for a member's own plan, notebook `03_advocate_complaint` builds the complaint pack.
# - Method and limits: `docs/public-data.md`.

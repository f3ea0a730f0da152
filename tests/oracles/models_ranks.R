# Oracle values for paritykit.stats.disparity_model and the rank tests of compare_distributions.
#
# Regenerate (from the repository root) with
#     Rscript tests/oracles/models_ranks.R
# Needs R (Debian r-base-core) and the sandwich package (Debian r-cran-sandwich).
# Writes tests/oracles/model_data.csv (the grouped counts the model is fitted to),
# tests/oracles/rank_data.csv (samples for the rank tests) and tests/oracles/models_ranks.csv
# (case, name, value). CI never runs R.

suppressPackageStartupMessages(library(sandwich))
here <- "tests/oracles"
out <- data.frame(case = character(), name = character(), value = character(),
                  stringsAsFactors = FALSE)
put <- function(case, name, value) {
  out[nrow(out) + 1, ] <<- list(case, name, format(as.numeric(value), digits = 17))
}

# --- grouped counts: 4 plans x 2 classifications x 2 sides ---------------------------------
d <- data.frame(
  plan_id = rep(c("P1", "P2", "P3", "P4"), each = 4),
  classification = rep(rep(c("inpatient_in_network", "outpatient_in_network"), each = 2), 4),
  side = rep(c("mhsud", "ms"), 8),
  denied = c(31, 40, 52, 61, 12, 30, 25, 48, 44, 51, 70, 66, 9, 21, 18, 40),
  claims = c(180, 400, 310, 720, 95, 350, 260, 610, 210, 380, 405, 560, 70, 300, 150, 500)
)
write.csv(d, file.path(here, "model_data.csv"), row.names = FALSE)
d$mhsud <- as.numeric(d$side == "mhsud")

fits <- list(
  side_only = glm(cbind(denied, claims - denied) ~ mhsud, family = binomial, data = d, control = glm.control(epsilon = 1e-14, maxit = 100)),
  plan_class = glm(cbind(denied, claims - denied) ~ mhsud + plan_id + classification,
                   family = binomial, data = d, control = glm.control(epsilon = 1e-14, maxit = 100))
)
for (nm in names(fits)) {
  f <- fits[[nm]]
  co <- summary(f)$coefficients
  put(paste0("glm_", nm), "estimate", co["mhsud", "Estimate"])
  put(paste0("glm_", nm), "std_error", co["mhsud", "Std. Error"])
  put(paste0("glm_", nm), "p_value", co["mhsud", "Pr(>|z|)"])
  ci <- co["mhsud", "Estimate"] + c(-1, 1) * qnorm(0.975) * co["mhsud", "Std. Error"]
  put(paste0("glm_", nm), "odds_ratio_low", exp(ci[1]))
  put(paste0("glm_", nm), "odds_ratio_high", exp(ci[2]))
  # Cluster-robust by plan: HC0 sandwich with the G / (G - 1) adjustment.
  v <- vcovCL(f, cluster = ~plan_id, type = "HC0", cadjust = TRUE)
  put(paste0("glm_", nm), "cluster_std_error", sqrt(v["mhsud", "mhsud"]))
}

# --- rank tests ------------------------------------------------------------------------------
set.seed(20240501)
samples <- list(
  # ?wilcox.test depression data, used here as two independent samples (ties -> normal).
  ties = list(x = c(1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30),
              y = c(0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29)),
  # ?wilcox.test permeability data (no ties, small -> exact).
  exact = list(x = c(0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46),
               y = c(1.15, 0.88, 0.90, 0.74, 1.21)),
  # Larger samples with unequal spread: reimbursement shares, rounded to cents of a share.
  large = list(x = round(rlnorm(60, log(0.8), 0.35), 2), y = round(rlnorm(75, log(1.0), 0.2), 2))
)
rank_rows <- data.frame()
for (nm in names(samples)) {
  s <- samples[[nm]]
  rank_rows <- rbind(rank_rows,
                     data.frame(sample = nm, side = "mhsud", value = s$x),
                     data.frame(sample = nm, side = "ms", value = s$y))
  w <- suppressWarnings(wilcox.test(s$x, s$y))
  put(paste0("wilcox_", nm), "statistic", w$statistic)
  put(paste0("wilcox_", nm), "p_value", w$p.value)
  # Brunner-Munzel (2000) statistic and t approximation, written out from the paper.
  x <- s$x; y <- s$y; n1 <- length(x); n2 <- length(y)
  r <- rank(c(x, y)); r1 <- r[1:n1]; r2 <- r[(n1 + 1):(n1 + n2)]
  s1 <- sum((r1 - rank(x) - mean(r1) + (n1 + 1) / 2)^2) / (n1 - 1)
  s2 <- sum((r2 - rank(y) - mean(r2) + (n2 + 1) / 2)^2) / (n2 - 1)
  W <- n1 * n2 * (mean(r2) - mean(r1)) / ((n1 + n2) * sqrt(n1 * s1 + n2 * s2))
  df <- (n1 * s1 + n2 * s2)^2 / ((n1 * s1)^2 / (n1 - 1) + (n2 * s2)^2 / (n2 - 1))
  put(paste0("brunner_munzel_", nm), "statistic", W)
  put(paste0("brunner_munzel_", nm), "p_value", 2 * pt(-abs(W), df))
  put(paste0("relative_effect_", nm), "estimate", (mean(r1) - (n1 + 1) / 2) / n2)
  put(paste0("median_", nm), "mhsud", median(x)); put(paste0("median_", nm), "ms", median(y))
}
write.csv(rank_rows, file.path(here, "rank_data.csv"), row.names = FALSE)
write.csv(out, file.path(here, "models_ranks.csv"), row.names = FALSE)
cat("wrote", nrow(out), "values\n")

# Oracle values for paritykit.stats: proportions, Fisher, CMH, Breslow-Day, p.adjust, power.
#
# Regenerate (from the repository root) with
#     Rscript tests/oracles/proportions_tables.R
# It writes tests/oracles/proportions_tables.csv (columns case, name, value) and
# tests/oracles/strata_tables.csv (the K x 2 x 2 inputs, one row per stratum: a, b, c, d with
# the table [[a, b], [c, d]] = x[, , k] of R's 2 x 2 x K array). CI never runs R; the Python
# tests read the committed CSV files. Produced with R 4.x from Debian (r-base-core).

out <- data.frame(case = character(), name = character(), value = character(),
                  stringsAsFactors = FALSE)
put <- function(case, name, value) {
  out[nrow(out) + 1, ] <<- list(case, name, format(as.numeric(value), digits = 17))
}
here <- "tests/oracles"

# --- Wilson intervals: prop.test(correct = FALSE) on Newcombe (1998a) examples ------------
for (kn in list(c(81, 263), c(15, 148), c(0, 20), c(1, 29), c(29, 29), c(5, 7))) {
  ci <- suppressWarnings(prop.test(kn[1], kn[2], correct = FALSE)$conf.int)
  case <- sprintf("wilson_%d_%d", kn[1], kn[2])
  put(case, "low", ci[1]); put(case, "high", ci[2])
}
ci <- suppressWarnings(prop.test(81, 263, correct = FALSE, conf.level = 0.99)$conf.int)
put("wilson_81_263_99", "low", ci[1]); put("wilson_81_263_99", "high", ci[2])

# --- Newcombe (1998b) method 10, computed from R's Wilson limits --------------------------
wilson <- function(k, n) suppressWarnings(prop.test(k, n, correct = FALSE)$conf.int)
for (e in list(c(56, 70, 48, 80), c(9, 10, 3, 10), c(6, 7, 2, 7), c(5, 56, 0, 29),
               c(0, 10, 0, 20), c(0, 10, 0, 10), c(10, 10, 0, 20), c(10, 10, 0, 10))) {
  p1 <- e[1] / e[2]; p2 <- e[3] / e[4]
  w1 <- wilson(e[1], e[2]); w2 <- wilson(e[3], e[4])
  d <- p1 - p2
  case <- sprintf("newcombe_%d_%d_%d_%d", e[1], e[2], e[3], e[4])
  put(case, "difference", d)
  put(case, "low", d - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2))
  put(case, "high", d + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
}

# --- prop.test / chisq.test on two groups -------------------------------------------------
for (e in list(c(83, 86, 90, 93), c(15, 50, 25, 50), c(120, 1000, 80, 1000), c(3, 40, 9, 35))) {
  for (corr in c(TRUE, FALSE)) {
    r <- suppressWarnings(prop.test(c(e[1], e[3]), c(e[2], e[4]), correct = corr))
    case <- sprintf("prop_%d_%d_%d_%d_%s", e[1], e[2], e[3], e[4], ifelse(corr, "yates", "plain"))
    put(case, "statistic", r$statistic); put(case, "p_value", r$p.value)
    tab <- matrix(c(e[1], e[3], e[2] - e[1], e[4] - e[3]), 2)
    r2 <- suppressWarnings(chisq.test(tab, correct = corr))
    put(case, "chisq_statistic", r2$statistic); put(case, "chisq_p_value", r2$p.value)
  }
}

# --- Fisher's exact test ------------------------------------------------------------------
# R's fisher.test finds the conditional MLE and the interval with uniroot at its default
# tolerance (about 1e-4). A copy of fisher.test with uniroot(tol = 1e-12) gives the same
# quantities to full precision; both are written.
src <- deparse(stats::fisher.test)
src <- gsub("uniroot(", "uniroot(tol = 1e-12, ", src, fixed = TRUE)
fisher_tight <- eval(parse(text = src))
environment(fisher_tight) <- asNamespace("stats")

tea <- matrix(c(3, 1, 1, 3), nrow = 2)          # TeaTasting from ?fisher.test
convictions <- matrix(c(2, 10, 15, 3), nrow = 2) # Convictions from ?fisher.test
zero_cell <- matrix(c(0, 12, 7, 5), nrow = 2)
big <- matrix(c(40, 25, 160, 175), nrow = 2)
fisher_cases <- list(tea = tea, convictions = convictions, zero_cell = zero_cell, big = big)
for (nm in names(fisher_cases)) {
  x <- fisher_cases[[nm]]
  for (alt in c("two.sided", "less", "greater")) {
    r <- fisher.test(x, alternative = alt)
    rt <- fisher_tight(x, alternative = alt)
    case <- sprintf("fisher_%s_%s", nm, alt)
    put(case, "a", x[1, 1]); put(case, "b", x[1, 2]); put(case, "c", x[2, 1]); put(case, "d", x[2, 2])
    put(case, "p_value", r$p.value)
    put(case, "estimate_r_default", r$estimate); put(case, "estimate", rt$estimate)
    put(case, "low_r_default", r$conf.int[1]); put(case, "low", rt$conf.int[1])
    put(case, "high_r_default", r$conf.int[2]); put(case, "high", rt$conf.int[2])
  }
}
# r x c: Job satisfaction (?fisher.test) and a small 3 x 3 table.
Job <- matrix(c(1, 2, 1, 0, 3, 3, 6, 1, 10, 10, 14, 9, 6, 7, 12, 11), 4, 4, byrow = TRUE)
put("fisher_rxc_job", "p_value", fisher.test(Job)$p.value)
small <- matrix(c(2, 3, 4, 5, 0, 1, 1, 1, 6), 3, 3, byrow = TRUE)
put("fisher_rxc_small", "p_value", fisher.test(small)$p.value)
wide <- matrix(c(3, 0, 2, 1, 4, 1, 5, 2, 0, 6), 2, 5, byrow = TRUE)
put("fisher_rxc_2x5", "p_value", fisher.test(wide)$p.value)

# --- Mantel-Haenszel on R's own examples --------------------------------------------------
Rabbits <- array(c(0, 0, 6, 5, 3, 0, 3, 6, 6, 2, 0, 4, 5, 6, 1, 0, 2, 5, 0, 0),
                 dim = c(2, 2, 5))
strata_out <- data.frame()
add_strata <- function(name, x) {
  for (k in seq_len(dim(x)[3])) {
    strata_out <<- rbind(strata_out, data.frame(dataset = name, stratum = k,
      a = x[1, 1, k], b = x[1, 2, k], c = x[2, 1, k], d = x[2, 2, k]))
  }
}
ucb <- UCBAdmissions
# A stratified data set built so that the crude and pooled comparisons disagree (Simpson).
simpson <- array(c(90, 10, 910, 190, 30, 200, 70, 600), dim = c(2, 2, 2))
datasets <- list(rabbits = Rabbits, ucb = ucb, simpson = simpson)
for (nm in names(datasets)) {
  x <- datasets[[nm]]
  add_strata(nm, x)
  for (corr in c(TRUE, FALSE)) {
    r <- mantelhaen.test(x, correct = corr, exact = FALSE)
    case <- sprintf("cmh_%s_%s", nm, ifelse(corr, "corrected", "plain"))
    put(case, "statistic", r$statistic); put(case, "p_value", r$p.value)
    put(case, "estimate", r$estimate)
    put(case, "low", r$conf.int[1]); put(case, "high", r$conf.int[2])
  }
}

# --- Breslow-Day (with and without Tarone), textbook formula ------------------------------
# Breslow and Day (1980), Tarone (1985); the same computation as DescTools::BreslowDayTest.
breslow_day_r <- function(x, correct) {
  keep <- apply(x, 3, function(t) all(rowSums(t) > 0) && all(colSums(t) > 0))
  x <- x[, , keep, drop = FALSE]
  K <- dim(x)[3]
  or_hat <- mantelhaen.test(x, exact = FALSE)$estimate
  X2 <- 0; diff <- 0; vsum <- 0
  for (k in 1:K) {
    t <- x[, , k]
    mj <- sum(t[1, ]); nj <- sum(t[2, ]); tj <- sum(t[, 1])
    coef <- c(-mj * tj * or_hat, nj - tj + or_hat * (mj + tj), 1 - or_hat)
    roots <- Re(polyroot(coef))
    lo <- max(0, tj - nj); hi <- min(mj, tj)
    a <- roots[roots >= lo - 1e-9 & roots <= hi + 1e-9][1]
    b <- mj - a; cc <- tj - a; d <- nj - cc
    v <- 1 / (1 / a + 1 / b + 1 / cc + 1 / d)
    X2 <- X2 + (t[1, 1] - a)^2 / v
    diff <- diff + (t[1, 1] - a); vsum <- vsum + v
  }
  if (correct) X2 <- X2 - diff^2 / vsum
  c(statistic = X2, df = K - 1, p_value = pchisq(X2, K - 1, lower.tail = FALSE))
}
for (nm in c("ucb", "simpson")) {
  for (corr in c(TRUE, FALSE)) {
    r <- breslow_day_r(datasets[[nm]], corr)
    case <- sprintf("breslow_day_%s_%s", nm, ifelse(corr, "tarone", "plain"))
    put(case, "statistic", r["statistic"]); put(case, "df", r["df"]); put(case, "p_value", r["p_value"])
  }
}

# --- Mantel-Haenszel risk ratio, Greenland and Robins (1985) variance ---------------------
mh_rr <- function(x, level = 0.95) {
  a <- x[1, 1, ]; b <- x[1, 2, ]; cc <- x[2, 1, ]; d <- x[2, 2, ]
  n1 <- a + b; n2 <- cc + d; n <- n1 + n2
  keep <- n1 > 0 & n2 > 0 & (a + cc) > 0 & (b + d) > 0
  a <- a[keep]; b <- b[keep]; cc <- cc[keep]; d <- d[keep]; n1 <- n1[keep]; n2 <- n2[keep]; n <- n[keep]
  num <- sum(a * n2 / n); den <- sum(cc * n1 / n)
  v <- sum((n1 * n2 * (a + cc) - a * cc * n) / n^2) / (num * den)
  z <- qnorm(1 - (1 - level) / 2)
  c(num / den, exp(log(num / den) - z * sqrt(v)), exp(log(num / den) + z * sqrt(v)))
}
for (nm in c("ucb", "simpson")) {
  r <- mh_rr(datasets[[nm]])
  case <- sprintf("mh_rr_%s", nm)
  put(case, "estimate", r[1]); put(case, "low", r[2]); put(case, "high", r[3])
}

# --- p.adjust ------------------------------------------------------------------------------
p <- c(0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.049, 0.0001)
for (m in c("BH", "BY", "holm", "hochberg", "bonferroni")) {
  adj <- p.adjust(p, method = m)
  for (i in seq_along(p)) put(sprintf("padjust_%s", m), sprintf("p%d", i), adj[i])
}

# --- power.prop.test: the detectable p2 for equal group sizes ----------------------------
for (e in list(c(0.1, 1000), c(0.05, 200), c(0.3, 50), c(0.02, 5000))) {
  r <- power.prop.test(n = e[2], p1 = e[1], power = 0.8, sig.level = 0.05, tol = 1e-12)
  case <- sprintf("power_%g_%d", e[1], e[2])
  put(case, "p2", r$p2)
}
r <- power.prop.test(n = 50, p1 = 0.5, p2 = 0.75)
put("power_curve", "power", r$power)

write.csv(out, file.path(here, "proportions_tables.csv"), row.names = FALSE)
write.csv(strata_out, file.path(here, "strata_tables.csv"), row.names = FALSE)
cat("wrote", nrow(out), "values\n")

"""Stage 5, test: the quantitative parity test, NQTL review, issuer and payer comparisons."""

"""Stage 6, evidence: Excel workbooks, charts and letters. Never computes statistics."""

"""Stage 1, load: read benefit tables, claim lines, remittances and public data."""

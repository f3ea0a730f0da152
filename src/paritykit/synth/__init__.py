"""Synthetic data generators (no real patient or plan data anywhere)."""

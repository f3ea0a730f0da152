"""Stage 3, classify: MH/SUD vs M/S and the six benefit classifications."""

"""Stage 2, validate: data contracts and the problems they find."""

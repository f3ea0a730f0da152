"""Stage 4, aggregate: claim lines to count/sum tables, computed in the engine."""

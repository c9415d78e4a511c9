"""`garrison bench import`: synthetic reports (deterministic) and the timing of their import."""

"""Storage: the only code that speaks SQL. One small repository module per area."""

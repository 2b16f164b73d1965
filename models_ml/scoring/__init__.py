"""Account and contact scoring: point-in-time features, ICP fit, readiness, personas, reasons, tiers.

Plain Python over pandas DataFrames so the same code runs in a notebook, a unit test and the
Dagster asset; nothing here imports Dagster.
"""

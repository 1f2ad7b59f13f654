"""Parquet: write and read typed rows, DuckDB views, the data dictionary. Knows rows, not how
they were made."""

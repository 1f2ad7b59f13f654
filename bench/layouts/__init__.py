"""The layout generator: made-up 自评表 of every family in TEMPLATES.md (generate.py,
families*.py, form.py), rendered as degraded text (text.py, damage.py) and grid files
(grids.py), read by ziping and judged row by row against their truth (score.py, run.py).
`python -m bench.layouts --help`."""

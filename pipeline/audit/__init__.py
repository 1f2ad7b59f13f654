"""Located rows + a profile -> scored rows and findings: build, rule formulas, checks."""

"""Numbers in the prose: sentences, totals and parts, ratios, cross-table claims."""

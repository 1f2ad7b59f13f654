"""Document -> 自评表 as printed: the grid and token readers, header vocabulary, value grammar,
concepts, the inspect view. Knows nothing of scores, claims, batches, storage or reports."""

"""Many documents: one file end to end, ingest, rescore of a stored dataset, executors, the lock.
The only stage that composes extract + audit + claims."""

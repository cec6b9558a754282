"""Transport plumbing, written once for every slice."""

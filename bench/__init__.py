"""Benchmarks: `python -m bench` (or `make bench`) prints tables and appends RESULTS.md."""

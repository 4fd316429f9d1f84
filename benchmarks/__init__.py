"""Benchmarks of the allocation model: synthetic portfolios and a runner (``python -m benchmarks``)."""

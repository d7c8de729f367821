"""Benchmarks: each prints ratios measured in one run, beside the ceiling it ran against."""

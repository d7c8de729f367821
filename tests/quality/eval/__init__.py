"""The labelled articles and questions the quality tests and benchmarks measure against."""

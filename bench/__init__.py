"""Evaluation (`make eval`) and benchmarks (`make bench`); results go to bench/results.md."""

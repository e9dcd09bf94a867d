"""Benchmarks of issue 5: a seeded site generator (generate.py) and a runner (run.py)."""

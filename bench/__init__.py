"""Benchmarks for phi_lab (run as scripts or with ``python -m bench.<name>``); not a test suite."""

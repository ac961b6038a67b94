"""Benchmarks: figures printed, never asserted. See bench/README.md."""

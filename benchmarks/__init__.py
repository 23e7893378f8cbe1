"""Speed measurements: run each script with python benchmarks/<name>.py."""

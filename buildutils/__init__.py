"""Build-time helpers for cyzmq (not installed with the package)."""

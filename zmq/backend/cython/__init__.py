"""Compiled extension modules of cyzmq (Cython)."""

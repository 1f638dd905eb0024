"""Writes that matter, one module per subject."""

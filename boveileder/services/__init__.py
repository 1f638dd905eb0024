"""Writes of the core app: staff accounts."""

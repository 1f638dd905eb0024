"""Writes that matter, one module per subject. Import from the module: `cases.services.timeline`."""

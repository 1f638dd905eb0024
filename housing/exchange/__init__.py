"""Bring your spreadsheet: the exchange format (ten sheets, as an .xlsx workbook or a folder or zip of
.csv files), its reader, the all-or-nothing import, the export and the template workbook.

The import lives in `housing` because it writes households (cases) and units and tenancies
(housing); `cases` never imports `housing`, so this is the one place that may do both.
"""

"""Bring your spreadsheet: the exchange format (ten sheets, as an .xlsx workbook or a folder or zip of
.csv files), its reader, the all-or-nothing import, the export and the template workbook.

An app of its own above the domain apps: it reads and writes the records of cases, housing and
reports, so none of them needs to know the spreadsheet.
"""

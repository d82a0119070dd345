"""The Excel project ledger (台账): template, import and export.

A ledger workbook has the sheets 项目, 资金到位 and 资金支付 with Chinese
headers in any column order. ``importer.import_workbook`` reads it with
python-calamine, checks every row, and writes the whole file in one
transaction or nothing at all. ``writer`` produces the empty template and
exports in the same format, so an export imports back without changes.
"""

"""Onboarding a county or province: its organization tree from a spreadsheet, a preview of every
problem and change, then one all-or-nothing commit; and the tree back out as .xlsx.

By sub-topic: ``columns`` (the columns and the words of kinds and sectors), ``reading`` (the file
into rows), ``planning`` (what the import would do: the preview), ``writing`` (the commit),
``exporting`` (the tree as .xlsx in the same columns).
"""

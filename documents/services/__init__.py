"""Writes and the rules they obey.

`documents` (the document service), `publication` (the workflow's transition table and what
publishing needs), `workflow` (the review steps), `record_numbers`, `search_upkeep` (the one
call after every write), `receivers` (signals for writes no service sees), `scans`.
"""

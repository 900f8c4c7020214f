"""Read-side queries behind the web reader's pages (and their JSON twins): one module per page family.

They return plain dicts and lists built with SQL aggregates and limits, so a page costs the
same on a ledger of five documents or of ten thousand.
"""

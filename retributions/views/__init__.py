"""Retribution views, split by subject: ``runs`` (runs, payments) and ``documents``
(treasurer's desk, documents, funder links, exports)."""

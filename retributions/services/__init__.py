"""Retribution services, split by subject: ``runs`` (compute, override, approve, smoothing,
preferences, payments) and ``documents`` (funder reports, statements, share links)."""

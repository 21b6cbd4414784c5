"""Tasks for documents (filled by the documents feature)."""
__all__: list[str] = []

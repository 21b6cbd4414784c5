"""Tasks for retribution runs (filled by the runs feature)."""
__all__: list[str] = []

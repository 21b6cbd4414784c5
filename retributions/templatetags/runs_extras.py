"""``{{ line|why }}``: a retribution line's explanation in the reader's language."""
from django import template

from ..explanations import render

register = template.Library()


@register.filter
def why(line) -> str:
    parts = getattr(line, "explanation_parts", None)
    return render(parts) if parts else line.explanation

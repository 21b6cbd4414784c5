"""``{{ calendar|day_at:forloop.counter0 }}``: the calendar day of a grid column."""
from django import template

register = template.Library()


@register.filter
def day_at(days, index):
    try:
        return days[int(index)]
    except (IndexError, TypeError, ValueError):
        return None

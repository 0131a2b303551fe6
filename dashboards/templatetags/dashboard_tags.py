from django import template

register = template.Library()


@register.filter
def lookup(row: dict, key: str):
    """row[key], shown as a dash when there is no figure."""
    value = row.get(key) if isinstance(row, dict) else None
    return "–" if value is None else value

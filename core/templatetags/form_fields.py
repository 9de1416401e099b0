"""`form|fields:"email mobile"`: some of a form's fields, in that order, to show with core/_field.html:

{% for field in form|fields:"email mobile" %}{% include "core/_field.html" %}{% endfor %}
"""

from django import forms, template

__all__ = ["fields"]

register = template.Library()


@register.filter
def fields(form: forms.Form, names: str) -> list[forms.BoundField]:
    """The bound fields of `form` named in `names` (separated by spaces), in that order."""
    return [form[name] for name in names.split()]

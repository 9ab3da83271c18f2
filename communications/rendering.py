"""Notification texts in the recipient's language, from one template per kind.

``templates/communications/notifications/<kind>.txt``: the first non-empty line is the title,
the rest the body. Every app may ship its own kinds' templates under that path. They render
without HTML escaping: the result is plain text, escaped where a page or email shows it.
"""

from django.template import Context
from django.template.loader import get_template
from django.utils import translation

TITLE_MAX = 300


def render(kind: str, context: dict, language: str) -> tuple[str, str]:
    """(title, body) of ``kind`` with ``context``, in ``language``; rendered once per language
    and shared by every recipient speaking it."""
    template = get_template(f"communications/notifications/{kind}.txt").template
    with translation.override(language):
        text = template.render(Context(context, autoescape=False))
    lines = [line.strip() for line in text.strip().splitlines()]
    title = lines[0] if lines else kind
    body = "\n".join(line for line in lines[1:] if line)
    return title[:TITLE_MAX], body

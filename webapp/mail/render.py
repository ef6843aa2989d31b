"""Rendering a letter: `templates/email/<name>.txt` and `.html` with the context given.

Only what the caller passes is in the context: no request, session or signed-in user (the
outbox worker has none). The `.html` templates are autoescaped like every page.
"""

from __future__ import annotations

from flask import current_app


def render_bodies(name: str, context: dict) -> tuple[str, str]:
    """(text, html) of the letter `name`; jinja2's errors propagate (the outbox records them)."""
    env = current_app.jinja_env
    return (
        env.get_template(f"email/{name}.txt").render(context),
        env.get_template(f"email/{name}.html").render(context),
    )

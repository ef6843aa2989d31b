"""GET /app/problems.json and /app/problems: the open known problems, for families.

The site is static: its home and form pages fetch this list from our own origin and show each
problem at the top (site/overrides); the form page served by the app shows the same list without
JavaScript. Nothing personal is in it: the head's public text, the types and the times.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from ..requests.problems import open_problems, public_view
from ..web.current import current_school

public_bp = Blueprint("problems_public", __name__)
FRESH_SECONDS = 30  # a declared problem reaches every open page within this time


@public_bp.get("/problems.json")
def current():
    profile = current_school()
    listed = [public_view(profile, p) for p in open_problems()]
    response = jsonify({"problems": listed})
    response.cache_control.public = True
    response.cache_control.max_age = FRESH_SECONDS
    return response


@public_bp.get("/problems")
def page():
    """The same list as a page: the site's link to it works without JavaScript."""
    profile = current_school()
    listed = [public_view(profile, p) for p in open_problems()]
    response = render_template("problems/public.html", problems=listed)
    return response, 200, {"Cache-Control": f"public, max-age={FRESH_SECONDS}"}

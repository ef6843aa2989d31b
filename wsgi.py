"""Entry point for `flask --app wsgi` and for gunicorn (`gunicorn wsgi:app`)."""

import sys

from webapp import create_app
from webapp.config import ConfigError
from webapp.school import ProfileError

try:
    app = create_app()
except (ProfileError, ConfigError) as exc:  # a clear Russian message, not a traceback
    print(exc, file=sys.stderr)
    sys.exit(2)

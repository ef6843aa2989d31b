"""Entry point for `flask --app wsgi` and for gunicorn (`gunicorn wsgi:app`)."""

import gc
import sys

from webapp import create_app
from webapp.config import ConfigError
from webapp.school import ProfileError

try:
    app = create_app()
except (ProfileError, ConfigError) as exc:  # a clear Russian message, not a traceback
    print(exc, file=sys.stderr)
    sys.exit(2)

# What the app keeps for its whole life (the profile, templates, mappers, phone metadata) is over
# 100,000 objects; a full garbage collection walking them all stalls a request for ~50 ms now and
# then. They live as long as the process, so collections may skip them.
gc.freeze()

"""Production-like settings for the benchmark server: the product's settings plus a baseline view.

Set SUNSHINE_DEBUG=0 and DATABASE_URL (and REDIS_URL when the product caches)
in the environment; ``bench.http`` does this when it starts gunicorn.
"""

from sunshine.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The benchmark speaks plain HTTP to 127.0.0.1, so a redirect to HTTPS would
# measure redirects. Cookies stay secure-only, as in production.
SECURE_SSL_REDIRECT = False

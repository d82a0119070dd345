"""Production-like settings for the benchmark server: the product's settings plus a baseline view.

Set SUNSHINE_DEBUG=0 and DATABASE_URL (and REDIS_URL when the product caches)
in the environment; ``bench.http`` does this when it starts gunicorn.
"""

from sunshine.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The benchmark speaks plain HTTP to 127.0.0.1, so a redirect to HTTPS would
# measure redirects. Cookies stay secure-only, as in production.
SECURE_SSL_REDIRECT = False

# Versioned settings that the petition benchmark writes into its database
# (bench.petitions.apply_setting_overrides). Every request comes from
# 127.0.0.1, and the product accepts 10 reports per address an hour and
# locks an address after 20 failed tracking look-ups. The values are the
# largest that the settings' ranges (sunshine.rules.defaults) allow.
PETITION_SETTING_OVERRIDES = {
    "petitions.intake_max_per_ip": 1_000_000,
    "petitions.tracking_max_failures_per_ip": 1_000_000,
}

"""System checks for settings that must change before production or cannot be parsed."""

from django.conf import settings
from django.core import checks

from sunshine.lib.client_address import trusted_networks

DEV_FIELD_KEY = "dev1:000102030405060708090a0b0c0d0e0f"
DEV_HASH_KEY = "dev-only-hash-key-7d1e5b3a9c2f4e6d"
DEV_SECRET_KEY = "dev-only-insecure-key-0f6c1c7e9a2b4d8f-change-me-in-production"  # noqa: S105 - public


@checks.register(checks.Tags.security, deploy=True)
def check_production_keys(app_configs, **kwargs):
    errors: list[checks.CheckMessage] = []
    if settings.SECRET_KEY == DEV_SECRET_KEY:
        errors.append(checks.Error(
            "SUNSHINE_SECRET_KEY is the public development key, so anyone who reads the "
            "source can forge signed cookies and password reset links.",
            hint="Set SUNSHINE_SECRET_KEY to a long random secret, such as the output of "
                 "python -c 'import secrets; print(secrets.token_urlsafe(50))'; changing it "
                 "later logs every user out.",
            id="sunshine.E004",
        ))
    if DEV_FIELD_KEY in settings.SUNSHINE_FIELD_KEYS:
        errors.append(checks.Error(
            "SUNSHINE_FIELD_KEYS still contains the public development key.",
            hint="Set SUNSHINE_FIELD_KEYS to key_id:32-hex-digit keys from a key store; "
                 "keep dev1 only after the new key, until old rows are re-encrypted.",
            id="sunshine.E001",
        ))
    if settings.SUNSHINE_HASH_KEY == DEV_HASH_KEY:
        errors.append(checks.Error(
            "SUNSHINE_HASH_KEY is the public development key.",
            hint="Set SUNSHINE_HASH_KEY to a long random secret; changing it later "
                 "invalidates stored look-up hashes.",
            id="sunshine.E002",
        ))
    if not settings.SUNSHINE_SITE_URL.startswith("https://"):
        errors.append(checks.Warning(
            "SUNSHINE_SITE_URL is not an https:// address, so links in DingTalk messages and "
            "e-mail are paths that no one can open.",
            hint="Set SUNSHINE_SITE_URL to the address users reach the site at, such as "
                 "https://sunshine.example.gov.cn.",
            id="sunshine.W002",
        ))
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        errors.append(checks.Warning(
            "The production profile runs on SQLite.",
            hint="Set DATABASE_URL to a PostgreSQL database for more than one app server.",
            id="sunshine.W001",
        ))
    return errors


@checks.register(checks.Tags.security)
def check_trusted_proxies(app_configs, **kwargs):
    try:
        trusted_networks(tuple(settings.SUNSHINE_TRUSTED_PROXIES))
    except ValueError as error:
        return [checks.Error(
            str(error),
            hint="Set SUNSHINE_TRUSTED_PROXIES to comma-separated addresses or CIDR networks "
                 "of the reverse proxies in front of Sunshine, or leave it empty.",
            id="sunshine.E003",
        )]
    return []

from sunshine.lib import public_cache

# Entries that change no public data: logins and views of personal data.
QUIET_ACTIONS = frozenset({"login", "login_failed", "view_personal", "issue_token"})


def forget_public_pages(sender, entry, **kwargs) -> None:
    if entry.action not in QUIET_ACTIONS:
        public_cache.bump_generation()

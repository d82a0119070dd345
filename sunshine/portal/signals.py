from sunshine.portal import cache as public_cache


def forget_public_pages(sender, entry, **kwargs) -> None:
    public_cache.forget_generation()

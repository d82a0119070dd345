"""The characters a new project code may contain.

A code is one segment of the public page's address, /projects/<code>/.
Letters of any script, digits, "-", "_" and "." are kept as they are or
percent-encoded as UTF-8, and a browser changes none of them. "/", "?",
"#", "%", "\\", spaces and control characters would end or change the
path, and a browser resolves the segments "." and ".." before it sends the
request. A code that starts with a letter or digit can be neither.
"""

import re

from django.utils.translation import gettext as _

PROJECT_CODE = re.compile(r"[^\W_][\w.\-]*")


def project_code_problem(code: str) -> str | None:
    """Return the message rejecting ``code`` as a new project code, or None when it is valid."""
    if PROJECT_CODE.fullmatch(code):
        return None
    return _("Project code “%(value)s” contains characters that cannot be used in a web "
             "address; use only letters, digits, “-”, “_” and “.”, and start with a letter "
             "or digit, for example JJ-2024-0009") % {"value": code}

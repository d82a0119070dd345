"""Every change to petitions goes through these functions.

Each takes the acting user (None for the reporter acting through the
tracking code, or for system routing where stated), checks the user's
right and the current state on a locked row, computes the deadlines the
step starts, writes the rows and appends the audit entries in one
transaction. Invalid steps raise ValidationError with a translated message
naming the value and what to do; steps the user may not take raise
PermissionDenied.
"""

from sunshine.petitions.actions.assignment import (
    accept,
    assign,
    designate_handler,
    not_accept,
    notify_reporter,
    object_to_referral,
    record_escalation,
    refer,
    transfer,
)
from sunshine.petitions.actions.evidence import attach_evidence
from sunshine.petitions.actions.handling import (
    approve_extension,
    close,
    rate,
    reject_extension,
    reply,
    request_extension,
)
from sunshine.petitions.actions.intake import normalize_phone, register, register_and_route
from sunshine.petitions.actions.review import (
    decide_re_review,
    decide_review,
    request_re_review,
    request_review,
)

__all__ = [
    "accept", "approve_extension", "assign", "attach_evidence", "close", "decide_re_review",
    "decide_review", "designate_handler", "normalize_phone", "not_accept", "notify_reporter", "object_to_referral", "rate",
    "record_escalation", "refer", "register", "register_and_route", "reject_extension", "reply", "request_extension",
    "request_re_review", "request_review", "transfer",
]

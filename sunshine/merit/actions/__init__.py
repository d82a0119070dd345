"""Every change to the point ledger and the reviews around it.

Each action takes the acting user first, checks the input and the user's
right to act, writes the rows and their audit entries in one transaction
and returns the row it wrote. Ledger entries are only ever inserted.
"""

from sunshine.merit.actions.appeals import decide_appeal, file_appeal
from sunshine.merit.actions.awards import decide_award, nominate_award, record_quota_approval
from sunshine.merit.actions.corrections import reverse_entry
from sunshine.merit.actions.exemptions import decide_exemption, request_exemption
from sunshine.merit.actions.rules import add_rule_version

__all__ = [
    "add_rule_version", "decide_appeal", "decide_award", "decide_exemption", "file_appeal",
    "nominate_award", "record_quota_approval", "request_exemption", "reverse_entry",
]

"""Every change to directives, duties, tasks, progress reports and quarter locks.

Each action takes the acting user first (None is the system), checks the
input and the user's write scope, writes the rows and their audit entry in
one transaction, and queues notifications to be sent after the commit.
"""

from sunshine.duties.actions.directives import (
    create_directive,
    create_duty,
    update_directive,
    update_duty,
)
from sunshine.duties.actions.locks import lock_quarter, unlock_quarter
from sunshine.duties.actions.occurrences import extend_occurrences
from sunshine.duties.actions.progress import approve_report, return_report, submit_report
from sunshine.duties.actions.tasks import (
    add_milestone,
    cancel_task,
    complete_milestone,
    create_task,
    set_weights,
    update_task,
)

__all__ = [
    "add_milestone", "approve_report", "cancel_task", "complete_milestone", "create_directive",
    "create_duty", "create_task", "extend_occurrences", "lock_quarter", "return_report", "set_weights",
    "submit_report", "unlock_quarter", "update_directive", "update_duty", "update_task",
]

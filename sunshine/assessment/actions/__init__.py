"""Every change to assessment records.

Each action takes the acting user (None is the system), checks the input
and the user's role and scope, writes the rows with their audit entry in
one transaction, and queues notifications to be sent after the commit.
"""

from sunshine.assessment.actions.deductions import apply_deductions
from sunshine.assessment.actions.evaluations import record_evaluation, update_evaluation
from sunshine.assessment.actions.spot_checks import (
    cancel_spot_check,
    draw_spot_check,
    perform_spot_check,
    plan_follow_up,
    plan_spot_check,
)
from sunshine.assessment.actions.surveys import (
    DuplicateResponse,
    create_survey,
    create_template,
    submit_response,
)
from sunshine.assessment.actions.weights import check_weights_total, set_weights

__all__ = [
    "DuplicateResponse", "apply_deductions", "cancel_spot_check", "check_weights_total",
    "create_survey", "create_template", "draw_spot_check", "perform_spot_check",
    "plan_follow_up", "plan_spot_check", "record_evaluation", "set_weights", "submit_response",
    "update_evaluation",
]

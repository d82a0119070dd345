"""Checks that the actions and the Excel import share, each raising a translated ValidationError.

Sub-task deadlines: a sub-task whose deadline is after its parent's is
rejected rather than warned about, because the parent could then only be
finished late, which makes its deadline meaningless.

Weights: the weights of the active (not cancelled) sub-tasks of one parent,
or of the top-level tasks of one directive, must sum to exactly 100% when
they are set together (the weights form and the Excel import). A single
sub-task added on its own may leave the sum below 100%, because the tree is
built one task at a time, but never above it. The tree page shows the gap.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sunshine.duties.models import Cycle, Task

HUNDRED = Decimal("100")


def percent_text(value: Decimal) -> str:
    """Return 50% for 50.00 and 33.33% for 33.33."""
    return f"{value.normalize():f}%"


def check_dates(start: datetime.date, deadline: datetime.date) -> None:
    if deadline < start:
        raise ValidationError(
            _("Deadline %(deadline)s is before the start %(start)s; correct one of the two "
              "dates") % {"deadline": deadline, "start": start},
            code="deadline_before_start",
        )


def check_parent_deadline(deadline: datetime.date, parent: Task | None) -> None:
    if parent is not None and deadline > parent.deadline:
        raise ValidationError(
            _("Deadline %(deadline)s is after %(parent_deadline)s, the deadline of the parent "
              "task “%(parent)s”; a sub-task must be finished by its parent's deadline")
            % {"deadline": deadline, "parent_deadline": parent.deadline, "parent": parent},
            code="deadline_after_parent",
        )


def check_children_deadline(task: Task, deadline: datetime.date) -> None:
    """Reject moving a parent's deadline before the deadline of one of its sub-tasks."""
    later = (task.children.filter(cancelled_on__isnull=True, deadline__gt=deadline)
             .order_by("-deadline").first())
    if later is not None:
        raise ValidationError(
            _("Deadline %(deadline)s is before %(child_deadline)s, the deadline of the sub-task "
              "“%(child)s”; move that sub-task's deadline first")
            % {"deadline": deadline, "child_deadline": later.deadline, "child": later},
            code="deadline_before_child",
        )


def weights_text(weights: Iterable[tuple[str, Decimal]]) -> str:
    return "、".join(f"{label} {percent_text(weight)}" for label, weight in weights)


def check_weights(owner: str, weights: list[tuple[str, Decimal]], *, exact: bool) -> None:
    """Check the weights of the sub-tasks of ``owner`` (a task or a directive).

    ``exact`` requires a sum of exactly 100%; otherwise the sum may be lower.
    """
    total = sum((weight for _label, weight in weights), Decimal("0"))
    if total == HUNDRED or (not exact and total < HUNDRED):
        return
    raise ValidationError(
        _("The weights of the sub-tasks of “%(owner)s” sum to %(total)s (%(values)s); they "
          "must sum to 100%%, so change the weights until they do")
        % {"owner": owner, "total": percent_text(total), "values": weights_text(weights)},
        code="weights_total",
    )


def check_weight(weight: Decimal) -> None:
    if not Decimal("0") < weight <= HUNDRED:
        raise ValidationError(
            _("Weight %(value)s is outside 0–100%%; enter a share above 0 and at most 100")
            % {"value": percent_text(weight)},
            code="weight_range",
        )


def check_funding(shares: list[tuple[str, Decimal]]) -> None:
    """Check a duty's funding: each share above 0, no source twice, the sum at most 100%."""
    seen: set[str] = set()
    for label, share in shares:
        if label in seen:
            raise ValidationError(
                _("The fund source %(source)s is listed twice; give each source one share")
                % {"source": label}, code="funding_duplicate")
        seen.add(label)
        if not Decimal("0") < share <= HUNDRED:
            raise ValidationError(
                _("The share %(share)s of %(source)s is outside 0–100%%; enter a share above 0 "
                  "and at most 100") % {"share": percent_text(share), "source": label},
                code="funding_range")
    total = sum((share for _label, share in shares), Decimal("0"))
    if total > HUNDRED:
        raise ValidationError(
            _("The funding shares sum to %(total)s (%(values)s), more than 100%%; lower the "
              "shares so they sum to at most 100%%")
            % {"total": percent_text(total), "values": weights_text(shares)},
            code="funding_total",
        )


def check_duty_deadline(cycle: str, deadline: datetime.date | None) -> None:
    if cycle == Cycle.ONCE and deadline is None:
        raise ValidationError(
            _("A duty done once needs a deadline; enter the deadline or choose a monthly, "
              "quarterly or yearly cycle"), code="deadline_missing")
    if cycle != Cycle.ONCE and deadline is not None:
        raise ValidationError(
            _("A %(cycle)s duty has no single deadline; leave the deadline empty or choose "
              "“once, by a deadline”") % {"cycle": Cycle(cycle).label},
            code="deadline_with_cycle")

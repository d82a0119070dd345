"""A warning when recurring duties are about to run out of tasks.

The actions give a recurring duty its tasks up to the horizon whenever the
duty is written. Only the passing of time needs ``sunshine extend_duty_tasks``
to run now and then. Were it forgotten, the next periods would have no task
and their execution rates would count nothing due, so ``migrate`` and
``check --database default`` warn while there is still time.
"""

import datetime

from django.core import checks
from django.db import connections
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from sunshine.duties import occurrences
from sunshine.duties.models import Duty, Task
from sunshine.rules.models import Setting
from sunshine.rules.values import get_setting

SHOWN = 5


def running_out(today: datetime.date) -> QuerySet:
    """Recurring duties whose active tasks end within the warning days, or that have none."""
    days = get_setting(occurrences.WARNING_DAYS, on=today)
    active = Q(tasks__cancelled_on__isnull=True) & ~Q(tasks__period="")
    return (Duty.all_objects.filter(cycle__in=list(occurrences.PERIODS_PER_YEAR))
            .annotate(covered=Max("tasks__deadline", filter=active))
            .filter(Q(covered__isnull=True) | Q(covered__lt=today + datetime.timedelta(days=days)))
            .order_by("covered", "pk"))


def schema_is_current(connection, models) -> bool:
    """Tell whether every table and column of ``models`` exists in the database."""
    introspection = connection.introspection
    tables = set(introspection.table_names())
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            if table not in tables:
                return False
            columns = {column.name for column in introspection.get_table_description(cursor, table)}
            if any(field.column not in columns for field in model._meta.concrete_fields):
                return False
    return True


@checks.register(checks.Tags.database)
def check_recurring_horizon(app_configs, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    if not schema_is_current(connections["default"], (Duty, Task, Setting)):
        # `migrate` runs this check before it migrates: the columns may not exist yet.
        return []
    short = running_out(timezone.localdate())
    count = short.count()
    if not count:
        return []
    names = "; ".join(f"{duty} ({duty.covered or '-'})" for duty in short[:SHOWN])
    return [checks.Warning(
        f"{count} monthly, quarterly or yearly duties have tasks only until within the warning "
        f"days, or none: {names}.",
        hint="Run `sunshine extend_duty_tasks` (daily from cron or a systemd timer) to give "
             "every recurring duty its tasks up to the planning horizon.",
        id="duties.W001",
    )]

from sunshine.duties.models.directives import Cycle, Directive, Duty, DutyFunding, DutyStep
from sunshine.duties.models.progress import Evidence, PeriodLock, ProgressReport, ReportStatus
from sunshine.duties.models.tasks import (
    Milestone,
    Task,
    TaskCooperation,
    TaskQuerySet,
    TaskStatus,
    derive_status,
)

__all__ = [
    "Cycle", "Directive", "Duty", "DutyFunding", "DutyStep", "Evidence", "Milestone",
    "PeriodLock", "ProgressReport", "ReportStatus", "Task", "TaskCooperation", "TaskQuerySet",
    "TaskStatus", "derive_status",
]

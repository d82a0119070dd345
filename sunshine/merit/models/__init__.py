from sunshine.merit.models.awards import Award, AwardStatus, QuotaApproval
from sunshine.merit.models.ledger import EntryKind, PointEntry, PointEntryQuerySet
from sunshine.merit.models.reviews import Appeal, AppealStatus, Exemption, ExemptionStatus
from sunshine.merit.models.rules import PointRule, Trigger

__all__ = [
    "Appeal", "AppealStatus", "Award", "AwardStatus", "EntryKind", "Exemption",
    "ExemptionStatus", "PointEntry", "PointEntryQuerySet", "PointRule", "QuotaApproval",
    "Trigger",
]

from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def child_sum(model, field: str):
    """Return the sum of ``field`` over a project's rows of ``model``, 0 when there are none."""
    rows = (
        model.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(Subquery(rows), Value(0))

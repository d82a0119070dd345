from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def child_sum(model, field: str):
    """Return the sum of ``field`` over a project's rows of ``model``, 0 when there are none.

    Only rows in the project's own currency count, because amounts of two
    currencies cannot be added. ``verify_audit`` lists the rows left out.
    """
    rows = (
        model.objects.filter(project=OuterRef("pk"), currency=OuterRef("currency"))
        .order_by()
        .values("project")
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(Subquery(rows), Value(0))

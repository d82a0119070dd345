"""The product's URLs plus the reference views of the HTTP benchmarks.

``/bench/minimal/`` does no database or template work, so its throughput
is what the server, Django's request cycle and the stock middleware cost
alone. ``/bench/insert/`` adds the least a durable submission needs: it
stores the JSON body as one row in its own autocommitted transaction and
returns the row's id. Nothing on this path checks, routes or audits,
so it is a floor for any view that commits one write per request.
"""

from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

# Created by ``bench.petitions.create_insert_table`` before the server starts.
INSERT_TABLE = "bench_insert_floor"


def minimal(request):
    return JsonResponse({"ok": True})


@csrf_exempt
def insert(request):
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {INSERT_TABLE} (body) VALUES (%s) RETURNING id",  # noqa: S608 - a constant
                       [request.body.decode()])
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)


urlpatterns = [
    path("bench/minimal/", minimal, name="bench-minimal"),
    path("bench/insert/", insert, name="bench-insert"),
    path("", include("sunshine.urls")),
]

"""RadCollab's URLs plus `/bench/plain/`: a plain Django page of 20 ORM rows.

The yardstick of bench_http.py: the same middleware, session and signed-in person as
every other page, one query for 20 rows and a small template that extends nothing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from network.models import Site
from radcollab.urls import handler403, handler500  # the project's error pages (403, 500/503)

__all__ = ["handler403", "handler500", "urlpatterns"]

PLAIN = engines["django"].from_string(
    '<!DOCTYPE html><html lang="en"><head><title>Sites</title></head><body>'
    "<table><thead><tr><th>Name</th><th>City</th><th>Latitude</th><th>Longitude</th></tr></thead>"
    "<tbody>{% for site in sites %}<tr><td>{{ site.name }}</td><td>{{ site.city }}</td>"
    "<td>{{ site.latitude }}</td><td>{{ site.longitude }}</td></tr>{% endfor %}</tbody>"
    "</table></body></html>"
)


def plain(request: HttpRequest) -> HttpResponse:
    sites = list(Site.objects.order_by("name")[:20])
    return HttpResponse(PLAIN.render({"sites": sites}))


urlpatterns = [
    path("bench/plain/", plain),
    path("", include("radcollab.urls")),
]

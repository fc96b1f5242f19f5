"""Answers every app's views share."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render


def refused(request, error: ValidationError):
    """A request whose parameters are not valid (an unknown filter value, say): 400, each problem named."""
    return render(request, "400.html", {"problems": error.messages}, status=400)


def job_progress(request, job, *, page_url: str, template: str, context: dict):
    """A job's progress bar, polled by htmx; once the job has ended, htmx is sent on to the job's page."""
    if job.is_finished:
        response = HttpResponse("")
        response["HX-Redirect"] = page_url
        return response
    return render(request, template, context)


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind a proxy the header it sets (settings.CLIENT_ADDRESS_HEADER);
    the ballots' guess counters and the login's lock-out (AXES_CLIENT_IP_CALLABLE) both read it."""
    if settings.CLIENT_ADDRESS_HEADER:
        forwarded = request.META.get("HTTP_" + settings.CLIENT_ADDRESS_HEADER.upper().replace("-", "_"), "")
        if forwarded:  # the proxy adds the address it saw last: what comes before it, a client can write
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or ""

"""Answers every app's views share."""

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

"""Answers every app's views share."""

from django.core.exceptions import ValidationError
from django.shortcuts import render


def refused(request, error: ValidationError):
    """A request whose parameters are not valid (an unknown filter value, say): 400, each problem named."""
    return render(request, "400.html", {"problems": error.messages}, status=400)

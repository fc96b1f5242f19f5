"""Uploaded files are never served by URL alone: each download goes through a view that checks
access to the object first, then answers with this."""

from django.http import FileResponse, Http404


def file_download(field_file) -> FileResponse:
    """An uploaded file as a download under its own name; 404 when there is none."""
    if not field_file:
        raise Http404
    return FileResponse(field_file.open("rb"), as_attachment=True, filename=field_file.name.rsplit("/", 1)[-1])

"""Multipart parsing for the public intake: no file is kept beyond the attachment limit plus one byte.

Django spools uploads above FILE_UPLOAD_MAX_MEMORY_SIZE to temporary files, whole. This handler writes at most
GARRISON_ATTACHMENT_MAX_BYTES + 1 bytes of each file and drops the rest as it arrives, recording the true size so
the form can name the file and the limit. Upload handlers must be set before the body is read, so the views using
it are ``csrf_exempt`` on the outside and ``csrf_protect`` inside (Django's documented pattern).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class CappedUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.cap = settings.GARRISON_ATTACHMENT_MAX_BYTES + 1
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        room = self.cap - self.received
        if room > 0:
            self.file.write(raw_data[:room])
        self.received += len(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile | None:
        self.file.seek(0)
        self.file.size = file_size  # the size sent, for the error message; at most cap bytes are on disk
        self.file.over_limit = file_size >= self.cap  # type: ignore[attr-defined]
        return self.file


def capped_uploads(*, csrf: bool = True) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Install the capped handlers, then check CSRF as usual (unless ``csrf=False``: see the reply view)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        return _capped(view, csrf=csrf)

    return decorator


def _capped(view: Callable[..., HttpResponse], *, csrf: bool) -> Callable[..., HttpResponse]:
    protected = csrf_protect(view) if csrf else view

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.upload_handlers = [MemoryFileUploadHandler(request), CappedUploadHandler(request)]
        return protected(request, *args, **kwargs)

    return wrapped

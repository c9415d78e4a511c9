"""The reporter's answer to being credited in an advisory (POST from their tracking page; the token in the URL is
the credential, CSRF is checked as on every form)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from garrison.disclosure.services_edit import credit_consent
from garrison.issues.tracking import Throttled, tracked_issue, tracking_path
from garrison.issues.views.intake import private


@private
@require_POST
def credit_answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        issue = tracked_issue(token)  # 404 for an unknown token, counted as a guess against the address
    except Throttled:
        return HttpResponse("Too many unknown tracking links from your address: try again in an hour.", status=429)
    accept = request.POST.get("answer") == "accept"
    answered = credit_consent(issue=issue, accept=accept)
    if answered:
        messages.success(request, "Thank you: we will credit you." if accept else "Understood: we will not name you.")
    response = HttpResponse(status=303)
    response["Location"] = tracking_path(token)
    return response

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from garrison.accounts import tokens
from garrison.core import request_context


class BearerToken(HttpBearer):
    """``Authorization: Bearer gar_...``. The request's user carries the token's scopes, which
    `access.policy.effective_permissions` intersects with the role's permissions."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        result = tokens.check(token)
        if result.token is None:
            tokens.note_rejected(token, result.reason)
            return None
        user = result.token.user
        user.token_scopes = frozenset(result.token.scopes)
        request.user = user
        info = request_context.current()
        request_context.set_current(
            request_context.RequestInfo(
                ip=info.ip, user_agent=info.user_agent, via="api", token_prefix=result.token.prefix
            )
        )
        tokens.note_use(result.token)
        return user

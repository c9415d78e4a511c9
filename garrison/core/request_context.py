"""Who is asking, from where: set once per request so services can audit without being handed the request."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None = None
    user_agent: str = ""
    via: str = "web"  # web | api | cli | worker
    token_prefix: str = ""


_current: ContextVar[RequestInfo] = ContextVar("garrison_request_info", default=RequestInfo(via="cli"))  # noqa: B039 (frozen)


def current() -> RequestInfo:
    return _current.get()


def set_current(info: RequestInfo) -> object:
    return _current.set(info)


def reset(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]

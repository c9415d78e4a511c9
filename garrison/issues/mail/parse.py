"""One RFC 5322 message, read with the standard library (``email.policy.default``). Pure: no database.

The sender is hostile: every header may be missing, repeated, mis-encoded or lying. Reading a header never raises
(a header that does not parse reads as empty); a body or attachment that cannot be decoded raises ``MailError``,
whose text names the problem but never the message's content (it is stored as a dead letter's error).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from email import errors as email_errors
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from typing import cast

import nh3

# Defects after which the parts we would read are not what the sender wrote: refuse rather than guess.
_FATAL_DEFECTS = (
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.MultipartInvariantViolationDefect,
    email_errors.InvalidBase64LengthDefect,
)
_HEADER_ERRORS = (email_errors.MessageError, ValueError, IndexError, TypeError, LookupError, AttributeError)
_MSGID = re.compile(r"<[^<>\s]{1,495}>")
_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(?:p|div|li|tr|h[1-6]|blockquote|pre|table|ul|ol)\s*>")
_WROTE_END = re.compile(r"\bwrote:\s*$", re.IGNORECASE)
_ON = re.compile(r"^\s*On\s", re.IGNORECASE)
_ORIGINAL = re.compile(r"^\s*-{2,}\s*(Original Message|Forwarded message)\s*-{2,}\s*$", re.IGNORECASE)
_MAX_HOPS = 30


class MailError(Exception):
    """A message we cannot read. The text is safe to store and show: it never quotes the message."""


@dataclass(frozen=True)
class MailFile:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class MailHeaders:
    subject: str
    from_name: str
    from_email: str
    message_id: str
    thread_ids: list[str]  # In-Reply-To first, then References from the newest back
    recipients: list[str]  # To, Cc, Delivered-To, X-Original-To (lower case)


@dataclass(frozen=True)
class MailContent:
    body: str
    files: list[MailFile] = field(default_factory=list)


@dataclass(frozen=True)
class OwnAddresses:
    """Garrison's own addresses: mail from them is a loop. ``local``/``domain``: the security address, whose
    ``local+<reply_key>@domain`` form threads replies."""

    local: str
    domain: str
    others: frozenset[str]

    @classmethod
    def of(cls, security_email: str, *more: str) -> OwnAddresses:
        local, _, domain = parseaddr(security_email)[1].lower().rpartition("@")
        others = {parseaddr(a)[1].lower() for a in more if a}
        return cls(local=local, domain=domain, others=frozenset(others - {""}))

    def is_own(self, address: str) -> bool:
        address = address.lower()
        if address in self.others:
            return True
        local, _, domain = address.rpartition("@")
        return domain == self.domain and (local == self.local or local.startswith(f"{self.local}+"))

    def reply_key(self, address: str) -> str:
        """The key of ``local+KEY@domain``, or ""."""
        local, _, domain = address.lower().rpartition("@")
        prefix = f"{self.local}+"
        if domain != self.domain or not local.startswith(prefix):
            return ""
        key = local[len(prefix) :]
        return key if key.isalnum() else ""


def parse_message(raw: bytes) -> EmailMessage:
    if not raw.strip():
        raise MailError("empty message")
    try:
        msg: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
        return msg
    except _HEADER_ERRORS as exc:
        raise MailError(f"malformed message ({type(exc).__name__})") from exc


def header(msg: EmailMessage, name: str) -> str:
    """The first value of a header, decoded, or "" (missing or unparseable)."""
    try:
        value = msg.get(name)
        return "" if value is None else str(value)
    except _HEADER_ERRORS:
        return ""


def _all(msg: EmailMessage, name: str) -> list[str]:
    try:
        return [str(v) for v in (msg.get_all(name) or [])]
    except _HEADER_ERRORS:
        return []


def sender(msg: EmailMessage) -> tuple[str, str]:
    """(display name, address) of the first From address; ("", "") when there is none."""
    try:
        value = msg.get("From")
        addresses = getattr(value, "addresses", ())
        if addresses:
            return str(addresses[0].display_name), str(addresses[0].addr_spec).strip()
    except _HEADER_ERRORS:
        pass
    name, address = parseaddr(header(msg, "From"))
    return name, address.strip()


def read_headers(msg: EmailMessage) -> MailHeaders:
    name, address = sender(msg)
    thread: list[str] = []
    for ref in _MSGID.findall(header(msg, "In-Reply-To")) + _MSGID.findall(header(msg, "References"))[::-1]:
        if ref not in thread:
            thread.append(ref)
    recipients = [
        addr.lower()
        for _, addr in getaddresses(
            _all(msg, "To") + _all(msg, "Cc") + _all(msg, "Delivered-To") + _all(msg, "X-Original-To")
        )
        if addr
    ]
    return MailHeaders(
        subject=" ".join(header(msg, "Subject").split()),
        from_name=" ".join(name.split()),
        from_email=address,
        message_id=header(msg, "Message-ID").strip()[:500],
        thread_ids=thread,
        recipients=recipients,
    )


_MESSAGE_ID = re.compile(r"<[^<>\s]{3,300}>")


def bounced_message_ids(msg: EmailMessage) -> list[str]:
    """The Message-IDs a bounce refers to: its In-Reply-To/References and the headers of the returned message
    (a ``message/rfc822`` or ``text/rfc822-headers`` part of a delivery status report)."""
    found: list[str] = []
    for name in ("In-Reply-To", "References"):
        found += _MESSAGE_ID.findall(header(msg, name))
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            for item in inner if isinstance(inner, list) else [inner]:
                if isinstance(item, EmailMessage):
                    found += _MESSAGE_ID.findall(str(item.get("Message-ID", "")))
        elif kind == "text/rfc822-headers":
            raw = part.get_payload(decode=True)
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
            for line in text.splitlines():
                if line.lower().startswith("message-id:"):
                    found += _MESSAGE_ID.findall(line)
    return list(dict.fromkeys(found))


def ignore_reason(msg: EmailMessage, own: OwnAddresses) -> str:
    """Why this message is machine-made mail we must not answer or file (auto-reply, bounce, list traffic, our own
    mail coming back), or "" when it is a person's message."""
    auto = header(msg, "Auto-Submitted").strip().lower()
    if auto and auto.split("(")[0].strip() != "no":
        return "auto-reply"
    if msg.get("X-Autoreply") is not None or msg.get("X-Autorespond") is not None:
        return "auto-reply"
    precedence = header(msg, "Precedence").strip().lower()
    if precedence in {"bulk", "junk", "list"}:
        return f"{precedence} mail"
    if precedence == "auto_reply":
        return "auto-reply"
    if msg.get("List-Id") is not None and (msg.get("List-Unsubscribe") is not None or msg.get("List-Post")):
        return "mailing list"
    if header(msg, "Return-Path").strip() == "<>":
        return "bounce"
    if msg.get_content_type() == "multipart/report":
        return "bounce"
    _, address = sender(msg)
    if address and own.is_own(address):
        return "mail loop (from our own address)"
    if any(own.is_own(parseaddr(v)[1]) for v in _all(msg, "X-Loop")):
        return "mail loop"
    if len(_all(msg, "Received")) > _MAX_HOPS:
        return "mail loop (too many hops)"
    return ""


def html_to_text(markup: str, *, drop_quotes: bool = False) -> str:
    """Text of an HTML body: every tag stripped by nh3 (script and style contents dropped; blockquotes too when
    ``drop_quotes``), entities decoded. The result is plain text, escaped again wherever it is shown."""
    markup = _BLOCK_END.sub("\n", markup)
    dropped = {"script", "style", "head", "title"} | ({"blockquote"} if drop_quotes else set())
    text = html.unescape(nh3.clean(markup, tags=set(), clean_content_tags=dropped, attributes={}))
    return _tidy(text)


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip()


def strip_quoted(text: str) -> str:
    """A reply without the text it quotes: lines starting with ">", the "On ... wrote:" line (also when wrapped
    over two lines) and everything after "-----Original Message-----". If that leaves nothing, the whole text."""
    kept: list[str] = []
    for line in text.split("\n"):
        if _ORIGINAL.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        if _WROTE_END.search(line):
            if _ON.match(line):
                continue
            if kept and _ON.match(kept[-1]):
                kept.pop()
                continue
        kept.append(line)
    stripped = _tidy("\n".join(kept))
    return stripped or _tidy(text)


def _check_defects(part: EmailMessage) -> None:
    for defect in part.defects:
        if isinstance(defect, _FATAL_DEFECTS):
            raise MailError(f"malformed MIME structure ({type(defect).__name__})")


def _text_of(part: EmailMessage) -> str:
    try:
        return str(part.get_content())
    except LookupError:  # unknown charset: accept it only if it is really UTF-8
        payload = part.get_payload(decode=True)
        try:
            return bytes(payload or b"").decode("utf-8") if isinstance(payload, bytes) else ""
        except UnicodeDecodeError:
            raise MailError("undecodable text (unknown character set)") from None
    except _HEADER_ERRORS as exc:
        raise MailError(f"undecodable text ({type(exc).__name__})") from exc


def _filename(part: EmailMessage) -> str:
    try:
        return str(part.get_filename() or "")
    except _HEADER_ERRORS:
        return ""


def read_content(msg: EmailMessage, *, reply: bool = False) -> MailContent:
    """The text (text/plain preferred, else the HTML as text; quotes stripped for a reply) and every attachment:
    each part with a file name or an attachment disposition, every non-text part, forwarded messages as .eml."""
    _check_defects(msg)
    body_part = msg.get_body(preferencelist=("plain", "html"))
    texts: list[str] = []
    files: list[MailFile] = []

    def as_text(part: EmailMessage) -> str:
        content = _text_of(part)
        if part.get_content_subtype() == "html":
            return html_to_text(content, drop_quotes=reply)
        return _tidy(content)

    def visit(part: EmailMessage, in_alternative: bool) -> None:
        _check_defects(part)
        ctype = part.get_content_type()
        if part is body_part:
            texts.insert(0, as_text(part))
            return
        if ctype == "message/rfc822":
            inner = part.get_payload(0) if part.is_multipart() else None
            data = inner.as_bytes() if isinstance(inner, EmailMessage) else bytes(part.get_payload(decode=True) or b"")
            files.append(MailFile(_filename(part) or "forwarded-message.eml", ctype, data))
            return
        if part.is_multipart():
            alternative = in_alternative or ctype == "multipart/alternative"
            for sub in part.iter_parts():
                visit(cast(EmailMessage, sub), alternative)
            return
        disposition = part.get_content_disposition()
        name = _filename(part)
        if part.get_content_maintype() == "text" and not name and disposition != "attachment":
            if not in_alternative:  # inline text beside attachments (not another rendering of the body)
                texts.append(as_text(part))
            return
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        files.append(MailFile(name or f"attachment-{len(files) + 1}", ctype, data))

    visit(msg, False)
    body = _tidy("\n\n".join(t for t in texts if t))
    if reply:
        body = strip_quoted(body)
    return MailContent(body=body, files=files)

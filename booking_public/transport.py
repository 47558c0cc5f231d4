"""How a notice leaves the house: SMTP for e-mail, one small HTTP interface for any SMS gateway.

SMS provider interface (configuration only): ``SMS_URL`` gets a POST whose body is ``SMS_BODY``
with ``$to`` and ``$text`` filled in (JSON-escaped when the template is JSON, URL-encoded
otherwise), and ``SMS_AUTHORIZATION`` as the ``Authorization`` header. Any 2xx is success.
Each message carries its outbox id (``Message-ID`` / ``Idempotency-Key``) so a gateway that
deduplicates can.
"""
from __future__ import annotations

import email.policy
import json
import smtplib
import urllib.parse
import urllib.request
from email.message import EmailMessage
from string import Template

from web.config import Settings


class SendFailed(Exception):
    """The message did not leave; ``kind`` names the failure without any address in it."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


class SendUncertain(SendFailed):
    """The connection broke after the message was handed over: it may have arrived, so no retry."""


def send_email(config: Settings, message: EmailMessage) -> None:
    """Hand the mail to the SMTP server. Failures before DATA are retried; a break during DATA is
    uncertain (the server may already have taken it), so it is never sent twice."""
    host = config.smtp_host
    if not host:
        raise SendFailed("smtp_not_configured")
    try:
        smtp = smtplib.SMTP(host, config.smtp_port, timeout=config.notify_timeout_s)
    except (OSError, smtplib.SMTPException) as error:
        raise SendFailed(type(error).__name__) from None
    with smtp:
        try:
            if config.smtp_starttls:
                smtp.starttls()
            if config.smtp_username:
                smtp.login(config.smtp_username, config.smtp_password or "")
            smtp.ehlo_or_helo_if_needed()
            code, _reply = smtp.mail(message["From"])
            if code != 250:
                raise SendFailed(f"smtp_{code}")
            code, _reply = smtp.rcpt(message["To"])
            if code not in (250, 251):
                raise SendFailed(f"smtp_{code}")
        except (OSError, smtplib.SMTPException) as error:
            raise SendFailed(type(error).__name__) from None
        try:
            # smtplib leaves bytes as they are: the lines must already end in CRLF.
            code, _reply = smtp.data(message.as_bytes(policy=email.policy.SMTP))
        except smtplib.SMTPDataError as error:
            raise SendFailed(f"smtp_{error.smtp_code}") from None
        except (OSError, smtplib.SMTPException) as error:
            raise SendUncertain(type(error).__name__) from None
        if code != 250:
            raise SendFailed(f"smtp_{code}")


def sms_body(template: str, to: str, text: str) -> tuple[bytes, str]:
    """The gateway's request body and content type from the office's template."""
    if template.lstrip().startswith("{"):
        values = {"to": json.dumps(to)[1:-1], "text": json.dumps(text, ensure_ascii=False)[1:-1]}
        return Template(template).safe_substitute(values).encode(), "application/json"
    values = {"to": urllib.parse.quote(to), "text": urllib.parse.quote(text)}
    return Template(template).safe_substitute(values).encode(), "application/x-www-form-urlencoded"


def send_sms(config: Settings, to: str, text: str, key: str) -> None:
    url = config.sms_url
    if not url:
        raise SendFailed("sms_not_configured")
    body, content_type = sms_body(config.sms_body, to, text)
    headers = {"Content-Type": content_type, "Idempotency-Key": key}
    if config.sms_authorization:
        headers["Authorization"] = config.sms_authorization
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=config.notify_timeout_s) as response:
            if not 200 <= response.status < 300:
                raise SendFailed(f"http_{response.status}")
    except urllib.error.HTTPError as error:
        raise SendFailed(f"http_{error.code}") from None
    except OSError as error:
        raise SendFailed(type(error).__name__) from None

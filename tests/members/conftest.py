"""Fixtures of the membership tests (the town and its people are tests/town.py's): a real SMTP server on
loopback (aiosmtpd) that every e-mail of these tests goes through, and a client that asks for English."""

import email
import logging
import re
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.test import Client


class Inbox:
    """The aiosmtpd handler: keeps every message it receives, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"to": list(envelope.rcpt_tos), "message": message})
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m["message"] for m in self.messages if address.lower() in (a.lower() for a in m["to"])]

    def last(self, address: str):
        found = self.to(address)
        assert found, f"no e-mail to {address}; got mail for {[m['to'] for m in self.messages]}"
        return found[-1]

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def link(self, address: str, kind: str) -> str:
        """The path of the last `kind` link ("confirm", "manage") in the last e-mail to `address`."""
        body = self.body(self.last(address))
        found = re.findall(rf"http://testserver(/(?:nl|fr|de|en)/members/{kind}/[^\s/]+/)", body)
        assert found, f"no {kind} link in:\n{body}"
        return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture(autouse=True)
def mailbox(smtp_server, settings):
    """Every test here sends real SMTP to the loopback server; the inbox starts empty."""
    controller, inbox = smtp_server
    inbox.messages.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.BIN_PUBLIC_URL = "http://testserver"
    settings.DEFAULT_FROM_EMAIL = "bin@example.be"
    return inbox


@pytest.fixture
def client():
    """Pages in English, as the tests read them."""
    return Client(headers={"accept-language": "en"})

"""A mail backend that can be taken down, to test sending through an outage."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    down = False

    def open(self):
        if FlakyBackend.down:
            raise smtplib.SMTPConnectError(421, "mail server down")
        return super().open()

    def send_messages(self, messages):
        if FlakyBackend.down:
            raise smtplib.SMTPServerDisconnected("mail server down")
        return super().send_messages(messages)

"""The one base of every app's domain error.

Each app raises its own subclass (``WorkforceError``, ``TrainingError``, ``CertificateError``, ...)
with a user-facing message; views and admin screens catch ``DomainError`` and show that message
next to the form instead of a server error.
"""


class DomainError(Exception):
    """A change the rules refuse; ``str(error)`` is the message shown to the user."""

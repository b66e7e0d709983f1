"""Signals workforce sends for the apps above it (it never imports them).

``staff_rights_changed(sender=Federation, user, federation, granted: bool, by)``: sent inside the
transaction of ``grant_staff`` / ``revoke_staff``; the accounts app audits it.
"""

from django.dispatch import Signal

staff_rights_changed = Signal()

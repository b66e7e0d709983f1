"""Staff screens of the 薪酬与经费 menu (see viewsets.py); filled in by the issue 11 work."""

# Viewsets that join the 薪酬与经费 menu group, and their models' permission policies.
VIEWSETS: tuple = ()
PERMISSION_POLICIES: dict = {}

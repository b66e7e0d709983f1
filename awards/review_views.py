"""The city's side of a campaign: the review queue, putting the list on notice (公示),
objections, approval, and the quota dashboard with its exports (``VIEWSETS`` join the 评先评优
menu group in viewsets.py)."""

VIEWSETS: tuple = ()

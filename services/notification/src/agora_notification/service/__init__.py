"""The notification service's rules: what each event means (``stories/``), telling a
user (``notify.py``), sending (``dispatcher.py``), the feed and its live hub
(``feed.py``, ``hub.py``), unsubscribe links (``unsubscribe.py``)."""

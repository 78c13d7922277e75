"""What each event means for the people concerned: contact data learned, projections
updated, and the :class:`~agora_notification.service.notify.Story` told. One module per
domain the events come from: :mod:`.accounts` (the user service's), :mod:`.catalog`
(vendors, products, stock) and :mod:`.orders` (orders and payments); ``events.py``
maps each event type to its story.

Every story has a ``dedupe_key``: the inbox already drops a redelivered event, and the
key also keeps one business fact from being told twice when it is announced again
under another event id (an order is confirmed once, whatever the producer does).
"""

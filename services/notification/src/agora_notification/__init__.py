"""Agora notification service.

Templates, channels (e-mail, SMS, push, in-app), preferences, the delivery log and
the live feed. It listens to the user, catalog, order and payment events, tells people
what they must know (once per event, whatever the redelivery), keeps each user's
in-app feed and pushes new entries to their open WebSockets.
"""

"""Agora notification service.

Templates, channels (e-mail, SMS, push, in-app), preferences, the delivery log and
the live feed.
"""

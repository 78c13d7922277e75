"""Outbound webhooks (ADR 0091): endpoints and their secrets, the public shape of each
event type, the fan-out of consumed events into deliveries, and the delivery worker."""

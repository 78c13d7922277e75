"""Agora payment service.

Payment intents, provider adapters (Stripe, sandbox), webhooks, refunds, the ledger
and vendor payouts.
"""

"""The payment service's queries: every read and write that builds SQL, as functions
taking an ``AsyncSession``. The rules in :mod:`agora_payment.service` call them."""

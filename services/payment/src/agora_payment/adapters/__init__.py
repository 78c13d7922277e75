"""The payment service's external systems: the payment providers (the protocol in
:mod:`.provider`, the sandbox in :mod:`.sandbox`, Stripe in :mod:`.stripe`)."""

"""Test support for the catalog: helpers, and the contract suite every search backend
passes (``search_contract``, which needs pytest)."""

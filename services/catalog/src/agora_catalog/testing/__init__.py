"""The contract suite every search backend passes (``search_contract``, which needs
pytest). The catalog's other test helpers live outside the package, in
``services/catalog/tests/support/agora_catalog_testing``."""

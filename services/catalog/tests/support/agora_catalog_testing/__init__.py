"""Test support for the catalog's tests (and the end-to-end ones): a client that knows
the catalog's API, and waiting for the search index (``helpers``). Outside the
service's package: never shipped."""

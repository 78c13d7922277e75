"""Test support for the catalog's tests (and the end-to-end ones), outside the
service's package: never shipped."""

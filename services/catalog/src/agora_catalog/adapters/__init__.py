"""The catalog's links to external systems: adapters that speak to something outside
the service (the search backends, :mod:`agora_catalog.adapters.search`) behind an
interface the rest of the catalog uses."""

"""Product search behind one interface (:mod:`agora_catalog.adapters.search.base`), with a
PostgreSQL backend (the embedded default) and an Elasticsearch one (distributed mode).
The index is a projection of the catalog fed by the catalog's own events
(:mod:`agora_catalog.service.indexing`), so it is eventually consistent and rebuildable;
this package only speaks to the search engines, never to the catalog's tables."""

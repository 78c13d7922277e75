"""The catalog's rules, callable without HTTP: routes and event handlers delegate here.
Functions take the caller's session and only flush; the edge commits. Their queries are
in ``repository``; they return domain objects, never the API's responses."""

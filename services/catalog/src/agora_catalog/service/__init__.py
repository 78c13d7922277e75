"""The catalog's rules, callable without HTTP: routes and event handlers delegate here.
Functions take the caller's session and only flush; the edge commits."""

"""The order service's rules: plain functions on a session, called by routes and
event handlers; they flush, the edge commits."""

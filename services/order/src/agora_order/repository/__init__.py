"""SQL of the order service, one module per thing it keeps. Functions take the
caller's session and at most flush; the edge commits."""

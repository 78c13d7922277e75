"""SQL of the user service, one module per aggregate. Functions take the caller's
session and only flush."""

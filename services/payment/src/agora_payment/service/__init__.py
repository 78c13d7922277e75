"""The payment service's rules: plain functions on a session; they flush, the edge commits."""

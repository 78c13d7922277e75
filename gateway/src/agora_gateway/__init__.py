"""Agora API gateway: the one door for SPA, mobile and third-party clients."""

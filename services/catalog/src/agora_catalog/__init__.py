"""Agora catalog service.

Vendors and their stores, categories, products and variants, inventory and
reservations, reviews, search.
"""

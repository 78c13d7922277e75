"""Agora order service.

Carts, coupons, checkout, orders and vendor sub-orders, and the checkout saga.
"""

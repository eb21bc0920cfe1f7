"""Cashier area services (modules by concern)."""

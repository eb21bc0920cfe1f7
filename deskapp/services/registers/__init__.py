"""Registers area services (modules by concern)."""

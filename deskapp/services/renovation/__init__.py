"""Renovation area services (modules by concern)."""

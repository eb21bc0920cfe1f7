"""Complaints area services (modules by concern)."""

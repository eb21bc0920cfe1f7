"""Reports area services (modules by concern)."""

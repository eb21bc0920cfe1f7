"""Survey area services (modules by concern)."""

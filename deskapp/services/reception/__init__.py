"""Reception area services (modules by concern)."""

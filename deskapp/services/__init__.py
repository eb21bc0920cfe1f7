"""Business rules, one module per area. Service functions are keyword-only, take the
session and the acting staff member, and import nothing from Textual."""

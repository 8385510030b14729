"""Public views, one module per page family."""

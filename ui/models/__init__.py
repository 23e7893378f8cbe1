"""Qt item models that adapt service views for tables."""

"""Dialogs: forms and previews opened from pages."""

"""Default reminder templates (package data)."""

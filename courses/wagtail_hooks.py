"""Admin wiring for the courses app."""

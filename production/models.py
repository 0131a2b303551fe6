"""Models of production/."""

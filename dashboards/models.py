"""Models of dashboards/."""

"""Models of inventory/."""

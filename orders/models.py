"""Models of orders/."""

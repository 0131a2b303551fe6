"""Models of devices/."""

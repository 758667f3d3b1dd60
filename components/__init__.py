"""Reusable presentation pieces; none of them reads data."""

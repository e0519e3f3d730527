"""Shared client toolkit."""

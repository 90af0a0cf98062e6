"""Fixtures for the safety tests; the servers are started in stack.py."""
from .stack import safety_stack  # noqa: F401 - a fixture, used by name

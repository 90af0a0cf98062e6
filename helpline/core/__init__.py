"""Dialogue components of our Rasa model."""

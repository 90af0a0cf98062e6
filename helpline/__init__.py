"""Helpline assistant: directory, safety, privacy and console code shared by the bot's processes."""

"""Custom actions for the Rasa action server, one module per concern."""
from bot.actions.signposting import ActionSignpost

__all__ = ["ActionSignpost"]

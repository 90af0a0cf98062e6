"""Custom actions for the Rasa action server, one module per concern.

rasa_sdk registers every Action subclass in the modules of this package; the imports below
make that explicit (and fail loudly at start-up if a module can't be imported).
"""
from bot.actions.handoff import (
    ActionHandoffCallback,
    ActionHandoffCancel,
    ActionHandoffEscalate,
    ActionHandoffWait,
    ValidateCallbackForm,
)
from bot.actions.signposting import ActionSignpost
from helpline import logs

logs.install()  # the action server's entry point: no message text in its logs

__all__ = ["ActionHandoffCallback", "ActionHandoffCancel", "ActionHandoffEscalate",
           "ActionHandoffWait", "ActionSignpost", "ValidateCallbackForm"]

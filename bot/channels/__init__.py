"""Custom Rasa input channels (registered in credentials.yml by module path).

Importing them is the Rasa server's first use of our code, after Rasa has configured logging:
there helpline.logs keeps message text out of warnings and Rasa's structured logs.
"""
from helpline import logs

logs.install()

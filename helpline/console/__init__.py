"""The advisor console: queue, conversations, replies and audit for advice-line staff."""

"""The service directory: files partnership staff edit, validation, places, search and export."""

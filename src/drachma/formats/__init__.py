"""Date and time formats that win over the locale's (settings.FORMAT_MODULE_PATH)."""

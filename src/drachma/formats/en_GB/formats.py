"""How Drachma writes dates and times by default ({{ value }}, |date without a format): the
same as the ``when`` and ``day`` filters. Input formats stay the locale's."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"

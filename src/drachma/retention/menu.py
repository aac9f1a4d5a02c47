from drachma.core.navigation import MenuItem, register

register(MenuItem("Reviews", "retention:due", "retention.review_records", order=80))

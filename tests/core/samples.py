from drachma.core.services import notify


def build(world) -> dict:
    # A notification is its recipient's own: each role opens one of its own.
    return {"notification_id": lambda user: notify(user, "Sample", email=False).pk}

from drachma.accounts.models import APIToken


def build(world) -> dict:
    # A token is its holder's own: each role revokes one of its own.
    return {"token_id": lambda user: APIToken.issue(user, "sample")[0].pk}

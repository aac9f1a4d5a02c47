from drachma.accounts.models import APIToken
from drachma.accounts.services import create_user


def build(world) -> dict:
    target = create_user(
        username="sample_target", password="correct horse battery staple", roles=["analyst"]
    )
    # A token is its holder's own: each role revokes one of its own.
    return {"token_id": lambda user: APIToken.issue(user, "sample")[0].pk, "user_id": target.pk}

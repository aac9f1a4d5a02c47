import itertools

from drachma.accounts.models import APIToken, RoleGrant
from drachma.accounts.services import create_user

_numbers = itertools.count()


def build(world) -> dict:
    target = create_user(
        username="sample_target", password="correct horse battery staple", roles=["analyst"]
    )
    asker = create_user(
        username="sample_asker", password="correct horse battery staple", roles=["administrator"]
    )

    def grant(user) -> int:
        # A fresh request each time, asked for by another administrator, so that each role's
        # try meets one still waiting.
        newcomer = create_user(
            username=f"sample_newcomer_{next(_numbers)}",
            password="correct horse battery staple",
            roles=[],
        )
        return RoleGrant.objects.create(user=newcomer, role="investigator", requested_by=asker).pk

    # A token is its holder's own: each role revokes one of its own.
    return {
        "token_id": lambda user: APIToken.issue(user, "sample", second_factor=True)[0].pk,
        "user_id": target.pk,
        "grant_id": grant,
    }

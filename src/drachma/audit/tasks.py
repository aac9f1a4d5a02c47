from django_tasks import task

from drachma.audit import services
from drachma.core.scheduling import periodic


@periodic(seconds=60)
@task()
def seal_and_anchor() -> dict:
    """Every minute: seal any entry left unsealed after its commit (a worker that died between
    commit and sealing, a database that was briefly away), then anchor the chain's head with the
    witnesses if it moved. The anchor interval bounds what can be cut from the end unseen."""
    sealed = services.seal_pending()
    anchor = services.anchor_head()
    return {"sealed": sealed, "head": anchor.position if anchor else 0}


@periodic(seconds=3600)
@task()
def requeue_unsealed() -> int:
    """Hourly: entries that lost their place in the sealer's queue are queued again."""
    return services.requeue_unsealed()

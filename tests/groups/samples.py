from drachma.groups import services


def build(world) -> dict:
    return {"group_id": services.save_group(name="Sample Group", status="active").pk}

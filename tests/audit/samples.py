from drachma.audit.services import append


def build(world) -> dict:
    entry = append("view", model="people.person", object_id="1", object_repr="Sample")
    return {"audit_seq": entry.seq}

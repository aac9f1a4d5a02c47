def build(world) -> dict:
    return {"by": "area", "fmt": "csv"}

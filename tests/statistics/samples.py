def build(world) -> dict:
    return {"by": "borough", "by2": "kind", "fmt": "csv"}

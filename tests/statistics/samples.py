def build(world) -> dict:
    # "borough-by-kind": the two-way table, the heavier path of table_export.
    return {"by": "borough-by-kind", "fmt": "csv"}

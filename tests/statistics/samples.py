import datetime

from drachma.statistics import services


def build(world) -> dict:
    # An open FOI request (the answer step answers it; the fuzzer then meets the refusal).
    request = services.record_request(
        user=world.users["analyst"],
        received_on=datetime.date(2026, 3, 2),
        requester_reference="SAMPLE-1",
        question="How many reports were received in 2017?",
        period_start=datetime.date(2017, 1, 1),
        period_end=datetime.date(2017, 12, 31),
        breakdowns=["area"],
    )
    # "borough-by-kind": the two-way table, the heavier path of table_export.
    return {"by": "borough-by-kind", "fmt": "csv", "foi_reference": request.reference}

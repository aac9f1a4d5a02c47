"""API schemas shared by every app (one name each in the OpenAPI document)."""

import datetime

from ninja import Field, Schema


class WorkflowEventOut(Schema):
    """One step of a workflow's history (``core.models.WorkflowEvent``)."""

    transition: str = Field(description="The step taken, e.g. 'complete'")
    from_state: str = Field(description="The state before (empty for the first event)")
    to_state: str = Field(description="The state after")
    by: str | None = Field(None, alias="by.username", description="Who took it")
    by_description: str = Field(description="Who took it, where no user did (a sweep)")
    at: datetime.datetime
    note: str

"""Widgets that static/drachma.js enhances; without JavaScript they are plain selects.

``Autocomplete`` and ``AutocompleteMultiple`` mark a select for the accessible-autocomplete
package (``data-module="autocomplete"``): for people, groups and wards. ``narrowed_by`` names
another field of the same form whose value narrows the options (wards by the chosen borough);
``narrowing`` gives each option's value of that field, written on the option as
``data-<field>``::

    ward = forms.ModelChoiceField(
        queryset=Ward.objects.select_related("borough"),
        widget=Autocomplete(narrowed_by="borough", narrowing=lambda ward: ward.borough_id),
    )

The narrowing value must be what the other field's options send (a primary key for a
ModelChoiceField, the ``to_field_name`` when it has one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms


class NarrowedMixin:
    """Options carrying the value of the field that narrows them."""

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        narrowed_by: str = "",
        narrowing: Callable[[Any], Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if narrowed_by and narrowing is None:
            raise ValueError("narrowed_by needs narrowing: the option's value of that field")
        self.narrowed_by = narrowed_by
        self.narrowing = narrowing
        super().__init__(attrs, **kwargs)  # type: ignore[call-arg]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict:
        context = super().get_context(name, value, attrs)  # type: ignore[misc]
        if self.narrowed_by:
            widget_attrs = context["widget"]["attrs"]
            widget_attrs["data-narrowed-by"] = self.narrowing_id(name, widget_attrs.get("id", ""))
            widget_attrs["data-narrowed-key"] = self.narrowed_by
        return context

    def narrowing_id(self, name: str, own_id: str) -> str:
        """The id of the field that narrows this one: this field's id with its name replaced
        (a form's prefix and auto_id kept): ``id_ward`` -> ``id_borough``."""
        prefix, _, _ = name.rpartition("-")
        other = f"{prefix}-{self.narrowed_by}" if prefix else self.narrowed_by
        if own_id and name in own_id:
            return own_id.replace(name, other)
        return f"id_{other}"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(  # type: ignore[misc]
            name, value, label, selected, index, subindex=subindex, attrs=attrs
        )
        instance = getattr(value, "instance", None)
        if self.narrowing is not None and value not in ("", None):
            narrowed = self.narrowing(instance if instance is not None else value)
            if narrowed is not None:
                option["attrs"][f"data-{self.narrowed_by}"] = str(narrowed)
        return option


class Autocomplete(NarrowedMixin, forms.Select):
    """One choice among many, typed to find (people, groups, wards)."""

    def __init__(self, attrs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__({"data-module": "autocomplete", **(attrs or {})}, **kwargs)


class AutocompleteMultiple(NarrowedMixin, forms.SelectMultiple):
    """Several choices among many: each typed to find, listed with a button to remove it."""

    def __init__(self, attrs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__({"data-module": "autocomplete", **(attrs or {})}, **kwargs)


class NarrowedSelect(NarrowedMixin, forms.Select):
    """A plain select narrowed by another field (no autocomplete)."""

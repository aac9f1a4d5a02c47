import django_filters

from drachma.rights.models import Right, RightsRequest, RightsState


class RightsRequestFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=RightsState.choices, label="State")
    right = django_filters.ChoiceFilter(choices=Right.choices, label="Right")

    class Meta:
        model = RightsRequest
        fields = ["state", "right"]

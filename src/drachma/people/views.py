from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from drachma.core import restrictions
from drachma.core.access import get_or_404, require
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.core.panels import render_panels
from drachma.people import selectors, services
from drachma.people.filtersets import PersonFilterSet
from drachma.people.forms import PersonForm
from drachma.people.models import Person


@require("people.view_person")
def person_list(request):
    filterset = PersonFilterSet(request.GET)
    q = (filterset.form.cleaned_data.get("q") or "").strip() if filterset.is_valid() else ""
    context = paginate(
        request,
        selectors.people_for(request.user, q),
        sorts={
            "name": ("family_name", "given_names"),
            "known_as": "known_as",
            "review": "review_date",
        },
        default_sort="name",
    )
    restricted = restrictions.restricted_ids(Person) if context["page_obj"] else set()
    return render(
        request,
        "people/person_list.html",
        {"filterset": filterset, "q": q, "restricted": restricted, **context},
    )


@require("people.view_person", hide=True)
def person_detail(request, person_id: int):
    person = selectors.person_for(request.user, person_id)
    show_identifiers = selectors.shows_identifiers(request.user)
    # Restricted processing (DPA 2018 s.47(2)): the page says so and shows nothing more,
    # except to the roles that handle rights requests and the auditor (docs/rights.md).
    hidden_by = selectors.restriction_hiding(request.user, person)
    restriction = hidden_by or restrictions.restriction_for(person)
    involvements = person.involvements.select_related("incident").order_by("-incident__occurred_at")
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "show_identifiers": show_identifiers,
            "restriction": restriction,
            "hidden_by_restriction": hidden_by is not None,
            "involvements": [] if hidden_by else involvements,
            # What the apps above add to a person's page (safeguarding: the exposure timeline).
            "panels": [] if hidden_by else render_panels("person_panel", request, person),
        },
    )


@require("people.add_person", methods=["GET", "POST"])
def person_create(request):
    form = PersonForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = selectors.duplicates_for(
            request.user,
            given_names=form.cleaned_data["given_names"],
            family_name=form.cleaned_data["family_name"],
            date_of_birth=form.cleaned_data.get("date_of_birth"),
            postcode=form.cleaned_data.get("postcode", ""),
        )
        # Possible duplicates are shown once; saving anyway is a deliberate second submit.
        if duplicates and not request.POST.get("confirm_not_duplicate"):
            messages.warning(request, "This person may already be recorded: check the list below.")
        else:
            try:
                person = services.create_person(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, f"{person.full_name} recorded.")
                return redirect("people:detail", person_id=person.pk)
    return render(request, "people/person_form.html", {"form": form, "duplicates": duplicates})


@require("people.change_person", hide=True, methods=["GET", "POST"])
def person_edit(request, person_id: int):
    person = get_or_404(Person, pk=person_id)
    if selectors.restriction_hiding(request.user, person) is not None:
        # Held but not used (DPA 2018 s.47(2)): a restricted record is not edited either.
        messages.error(
            request,
            f"{person.full_name}'s record is restricted: it is held but not used or changed.",
        )
        return redirect("people:detail", person_id=person.pk)
    show_identifiers = selectors.shows_identifiers(request.user)
    form = PersonForm(request.POST or None, instance=person, show_identifiers=show_identifiers)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(person, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{person.full_name} updated.")
            return redirect("people:detail", person_id=person.pk)
    elif request.method == "GET":
        # The form shows the person's record: a view, recorded like any other.
        selectors.shown_person(request.user, person)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@require("people.add_person")
def duplicates(request):
    """The htmx fragment listing possible duplicates while a person is typed in."""
    form = PersonForm(request.GET)
    form.is_valid()  # partial input is normal here; use what parsed
    data = form.cleaned_data
    found = selectors.duplicates_for(
        request.user,
        given_names=data.get("given_names", ""),
        family_name=data.get("family_name", ""),
        date_of_birth=data.get("date_of_birth"),
        postcode=data.get("postcode", ""),
    )
    return render(request, "people/duplicates.html", {"duplicates": found})

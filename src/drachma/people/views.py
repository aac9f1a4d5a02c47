from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from drachma.audit.services import record_list_view, record_view
from drachma.core.access import require
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.people import selectors, services
from drachma.people.forms import PersonForm
from drachma.people.models import Person


def _get(person_id: int) -> Person:
    try:
        return Person.objects.get(pk=person_id)
    except Person.DoesNotExist:
        raise Http404("No such person.") from None


@require("people.view_person")
def person_list(request):
    q = request.GET.get("q", "").strip()
    queryset = selectors.search(Person.objects.all(), q)
    context = {"q": q, **paginate(request, queryset)}
    record_list_view(request, Person, [p.pk for p in context["page_obj"]], query=q)
    return render(request, "people/person_list.html", context)


@require("people.view_person", hide=True)
def person_detail(request, person_id: int):
    person = _get(person_id)
    show_identifiers = request.user.has_perm("people.view_person_identifiers")
    record_view(request, person, fields=["address", "date_of_birth"] if show_identifiers else None)
    involvements = person.involvements.select_related("incident").order_by("-incident__occurred_at")
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "show_identifiers": show_identifiers,
            "involvements": involvements,
        },
    )


@require("people.add_person", methods=["GET", "POST"])
def person_create(request):
    form = PersonForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = selectors.possible_duplicates(
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
    person = _get(person_id)
    show_identifiers = request.user.has_perm("people.view_person_identifiers")
    form = PersonForm(request.POST or None, instance=person, show_identifiers=show_identifiers)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(person, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{person.full_name} updated.")
            return redirect("people:detail", person_id=person.pk)
    else:
        record_view(
            request, person, fields=["address", "date_of_birth"] if show_identifiers else None
        )
    return render(request, "people/person_form.html", {"form": form, "person": person})


@require("people.add_person")
def duplicates(request):
    """The htmx fragment listing possible duplicates while a person is typed in."""
    form = PersonForm(request.GET)
    form.is_valid()  # partial input is normal here; use what parsed
    data = form.cleaned_data
    found = selectors.possible_duplicates(
        given_names=data.get("given_names", ""),
        family_name=data.get("family_name", ""),
        date_of_birth=data.get("date_of_birth"),
        postcode=data.get("postcode", ""),
    )
    if found:
        record_list_view(request, Person, [d.person.pk for d in found], query="duplicate check")
    return render(request, "people/duplicates.html", {"duplicates": found})

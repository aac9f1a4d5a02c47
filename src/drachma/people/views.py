from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from drachma.core import restrictions
from drachma.core.access import get_or_404, require
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.core.panels import render_panels
from drachma.core.views import confirm_step
from drachma.people import merging, selectors, services
from drachma.people.filtersets import PersonFilterSet
from drachma.people.forms import IdentifierForm, MergeForm, PersonForm, UndoMergeForm
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
            "identifiers": [] if hidden_by else selectors.identifiers_for(request.user, person),
            "merges": selectors.merges_of(person),
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


@require("people.change_person", hide=True, methods=["GET", "POST"])
def identifier_add(request, person_id: int):
    person = get_or_404(Person, pk=person_id)
    if request.method == "GET":
        selectors.shown_person(request.user, person, via="add identifier")
    form = IdentifierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            found = services.add_identifier(person, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{found.get_kind_display()} {found.normalized} recorded.")
            return redirect("people:detail", person_id=person.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "people/identifier_form.html", {"form": form, "person": person}, status=status
    )


@require("people.change_person", hide=True, methods=["GET", "POST"])
def identifier_remove(request, identifier_id: int):
    identifier = selectors.identifier_for(request.user, identifier_id)
    back = reverse("people:detail", args=[identifier.person_id])
    if request.method == "POST":
        services.remove_identifier(identifier, user=request.user)
        messages.success(request, f"{identifier.normalized} removed.")
        return redirect(back)
    return confirm_step(
        request,
        title=f"Remove {identifier.get_kind_display().lower()} {identifier.normalized}?",
        what_will_happen="The person is no longer found by it in 'already known?' checks.",
        action_url=request.path,
        button="Remove it",
        cancel_url=back,
    )


@require("people.merge_person", hide=True, methods=["GET", "POST"])
def merge(request, person_id: int):
    survivor = selectors.person_for(request.user, person_id, via="merge")
    form = MergeForm(request.POST or None, initial={"merged": request.GET.get("merged")})
    if request.method == "POST" and form.is_valid():
        try:
            done = merging.merge_people(
                survivor=survivor,
                merged=form.cleaned_data["merged"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                f"{done.merged} merged into {survivor.full_name}: {len(done.moved)} links moved.",
            )
            return redirect("people:detail", person_id=survivor.pk)
    return confirm_step(
        request,
        title=f"Merge a duplicate into {survivor.full_name}?",
        what_will_happen=[
            f"Every incident role, safeguarding action, exposure event, defendant record, "
            f"identifier and report match of the duplicate moves to {survivor.full_name}.",
            "The duplicate record stays, marked as merged, so that the merge can be undone.",
            "The merge is recorded in the audit log.",
        ],
        action_url=request.path,
        button="Merge the records",
        cancel_url=reverse("people:detail", args=[survivor.pk]),
        form=form,
    )


@require("people.merge_person", hide=True, methods=["GET", "POST"])
def merge_undo(request, merge_id: int):
    done = selectors.merge_for(request.user, merge_id)
    form = UndoMergeForm(request.POST or None)
    back = reverse("people:detail", args=[done.survivor_id])
    if request.method == "POST" and form.is_valid():
        try:
            merging.undo_merge(done, reason=form.cleaned_data["reason"], user=request.user)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"The merge of {done.merged} was undone.")
            return redirect("people:detail", person_id=done.merged_id)
    return confirm_step(
        request,
        title=f"Undo the merge of {done.merged} into {done.survivor}?",
        what_will_happen=[
            f"The {len(done.moved)} links the merge moved go back to {done.merged} (those "
            "since removed or moved again stay where they are).",
            f"{done.merged} becomes a record of its own again.",
        ],
        action_url=request.path,
        button="Undo the merge",
        cancel_url=back,
        form=form,
    )

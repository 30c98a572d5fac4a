"""The admin for superusers; every save goes through the members services."""

from __future__ import annotations

from django.contrib import admin, messages

from finsam.services import ServiceError
from members import services
from members.models import (
    Appointment,
    Association,
    Contribution,
    Member,
    Person,
    StateAllocation,
    UserRole,
)


class ServiceAdmin(admin.ModelAdmin):
    """Saves through a service function instead of Model.save()."""

    def _data(self, form) -> dict:
        return {k: v for k, v in form.cleaned_data.items() if k in form._meta.fields}

    def save_model(self, request, obj, form, change):
        try:
            saved = self.service_save(request, obj, form, change)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = saved.pk

    service_save = None  # each subclass names the service that saves its model

    def delete_model(self, request, obj):
        self.delete_queryset(request, [obj])

    def delete_queryset(self, request, queryset):
        """The admin's delete, single or the bulk action: each row recorded."""
        try:
            services.admin_delete(objects=list(queryset), by=request.user)
        except ServiceError as exc:
            messages.error(request, exc.message)


@admin.register(Association)
class AssociationAdmin(ServiceAdmin):
    list_display = ["name", "slug", "orgnr", "merged_into"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request, obj=None):
        # Deleting an association would take its whole record, change log included.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "merged_into":
            # Never the association itself: it cannot merge into itself.
            own = (
                request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            )
            if own and str(own).isdigit():
                field.queryset = field.queryset.exclude(pk=int(own))
        return field

    def service_save(self, request, obj, form, change):
        if not change:
            return services.association_create(data=self._data(form), members=[], by=request.user)
        return services.association_update(
            association=Association.objects.get(pk=obj.pk),
            data=self._data(form),
            expected_version=None,
            by=request.user,
        )


@admin.register(Member)
class MemberAdmin(ServiceAdmin):
    list_display = ["name", "kind", "association", "joined", "left"]
    list_filter = ["association", "kind"]

    def service_save(self, request, obj, form, change):
        data = self._data(form)
        association = data.pop("association")
        return services.member_save(
            association=association,
            data=data,
            member=Member.objects.get(pk=obj.pk) if change else None,
            by=request.user,
        )


@admin.register(Person)
class PersonAdmin(ServiceAdmin):
    list_display = ["name", "organisation", "association"]
    list_filter = ["association"]

    def service_save(self, request, obj, form, change):
        data = self._data(form)
        association = data.pop("association")
        return services.person_save(
            association=association,
            data=data,
            person=Person.objects.get(pk=obj.pk) if change else None,
            by=request.user,
        )


@admin.register(Appointment)
class AppointmentAdmin(ServiceAdmin):
    list_display = ["person", "role", "appointed_by", "start", "end", "association"]
    list_filter = ["association", "role"]

    def service_save(self, request, obj, form, change):
        data = self._data(form)
        association = data.pop("association")
        return services.appointment_save(
            association=association,
            data=data,
            appointment=Appointment.objects.get(pk=obj.pk) if change else None,
            by=request.user,
        )


class ContributionInline(admin.TabularInline):
    model = Contribution
    fields = ["name", "party", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StateAllocation)
class StateAllocationAdmin(admin.ModelAdmin):
    """Read-only here: the key and the computed split are edited under Bidrag in the
    application, where the split is shown and checked."""

    list_display = ["association", "year", "amount", "key_basis", "decided_on"]
    list_filter = ["association"]
    inlines = [ContributionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UserRole)
class UserRoleAdmin(ServiceAdmin):
    """Role grants are recorded in the association's change log."""

    list_display = ["user", "association", "role"]
    list_filter = ["association", "role"]

    def service_save(self, request, obj, form, change):
        data = self._data(form)
        return services.role_save(
            user=data["user"],
            association=data["association"],
            role=data["role"],
            role_row=UserRole.objects.get(pk=obj.pk) if change else None,
            by=request.user,
        )

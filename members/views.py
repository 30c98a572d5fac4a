from django.http import HttpResponse

from finsam.tenancy import READ, association_view


@association_view(READ)
def _placeholder(request, **kwargs):
    return HttpResponse("")


association_home = association_edit = member_list = member_create = member_edit = _placeholder
people_list = person_create = person_edit = appointment_create = appointment_edit = _placeholder
appointment_delete = allocation_list = allocation_create = allocation_detail = _placeholder
allocation_edit = allocation_preview = audit_log = _placeholder

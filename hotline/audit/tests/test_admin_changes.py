"""Every change made in the admin is in the audit trail with its old and new values: each
admin page where something can be changed is audited (a new page that is not fails here), and
the configuration pages record adds, changes, inline rows and deletes, bulk deletes included."""

import json

from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.audit.models import AuditEntry
from hotline.catalogue.models import RescueLine
from hotline.testing import PASSWORD, BaseTestCase
from hotline.units.models import Place, Unit

# Actions that change nothing but through audited services.
AUDITED_ACTIONS = {"delete_selected", "reimport_from_package", "revoke_tokens", "unlock_accounts"}


class EveryAdminPageIsAuditedTests(BaseTestCase):
    def test_every_admin_page_that_can_change_anything_is_audited(self):
        secadmin = account_create(username="secadmin", roles=[Role.SECADMIN], password=PASSWORD)
        unaudited, actions = [], []
        for user in (self.sysadmin, secadmin):
            request = RequestFactory().get("/admin/")
            request.user = user
            for model, model_admin in admin.site._registry.items():
                writes = (
                    model_admin.has_add_permission(request)
                    or model_admin.has_change_permission(request)
                    or model_admin.has_delete_permission(request)
                )
                if writes and not getattr(model_admin, "audited", False):
                    unaudited.append(f"{user.username}: {model._meta.label}")
                actions += [
                    f"{model._meta.label}.{name}"
                    for name in model_admin.get_actions(request)
                    if name not in AUDITED_ACTIONS
                ]
        self.assertEqual(unaudited, [])
        self.assertEqual(actions, [])

    def test_no_one_else_may_change_anything_in_the_admin(self):
        for user in (self.operator, self.reviewer, self.auditor, self.manager_a):
            request = RequestFactory().get("/admin/")
            request.user = user
            with self.subTest(user=user.username):
                self.assertFalse(admin.site.has_permission(request))
                self.assertEqual(user.get_all_permissions(), set())


class ConfigurationChangeTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.sysadmin)

    def entries(self) -> list[AuditEntry]:
        return list(
            AuditEntry.objects.filter(action=AuditEntry.Action.CONFIG_CHANGE).order_by("pk")
        )

    def unit_form(self, unit: Unit, **changes: object) -> dict[str, object]:
        places = list(unit.places.all())
        data: dict[str, object] = {
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "parent": unit.parent_id or "",
            "phone": unit.phone,
            "office_hours": unit.office_hours,
            "duties": json.dumps(unit.duties, ensure_ascii=False),
            "sort_order": unit.sort_order,
            "places-TOTAL_FORMS": len(places),
            "places-INITIAL_FORMS": len(places),
            "places-MIN_NUM_FORMS": 0,
            "places-MAX_NUM_FORMS": 1000,
        }
        if unit.is_active:
            data["is_active"] = "on"
        for index, place in enumerate(places):
            data.update(
                {
                    f"places-{index}-id": place.pk,
                    f"places-{index}-unit": unit.pk,
                    f"places-{index}-name": place.name,
                    f"places-{index}-kind": place.kind,
                }
            )
            if place.is_active:
                data[f"places-{index}-is_active"] = "on"
        data.update(changes)
        return data

    def test_changing_a_unit_records_old_and_new_values(self):
        unit = self.unit_a
        response = self.client.post(
            reverse("admin:units_unit_change", args=[unit.pk]),
            self.unit_form(unit, phone="029-12345678"),
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[-3000:])
        [entry] = self.entries()
        self.assertEqual((entry.actor, entry.target), (self.sysadmin, f"units.unit:{unit.pk}"))
        self.assertEqual(entry.detail["operation"], "change")
        self.assertEqual(entry.detail["changes"], {"phone": [unit.phone, "029-12345678"]})

    def test_an_inline_row_added_is_recorded(self):
        unit = self.unit_a
        data = self.unit_form(unit)
        index = data["places-TOTAL_FORMS"]
        data.update(
            {
                "places-TOTAL_FORMS": int(index) + 1,  # type: ignore[call-overload]
                f"places-{index}-unit": unit.pk,
                f"places-{index}-name": "新建小区",
                f"places-{index}-kind": Place.Kind.values[0],
                f"places-{index}-is_active": "on",
            }
        )
        response = self.client.post(reverse("admin:units_unit_change", args=[unit.pk]), data)
        self.assertEqual(response.status_code, 302, response.content.decode()[-3000:])
        place = Place.objects.get(name="新建小区")
        [entry] = self.entries()
        self.assertEqual(entry.target, f"units.place:{place.pk}")
        self.assertEqual(entry.detail["operation"], "add")
        self.assertEqual(entry.detail["changes"]["name"], [None, "新建小区"])

    def test_adding_and_deleting_rows_are_recorded_bulk_deletes_too(self):
        response = self.client.post(
            reverse("admin:catalogue_rescueline_add"), {"code": "t1", "name": "测试救助热线"}
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[-2000:])
        line = RescueLine.objects.get(code="t1")
        self.client.post(
            reverse("admin:catalogue_rescueline_changelist"),
            {"action": "delete_selected", "_selected_action": [line.pk], "post": "yes"},
        )
        self.assertFalse(RescueLine.objects.filter(code="t1").exists())
        added, deleted = self.entries()
        self.assertEqual(added.detail["operation"], "add")
        self.assertEqual(deleted.detail["operation"], "delete")
        self.assertEqual(deleted.detail["changes"]["name"], ["测试救助热线", None])
        self.assertEqual(deleted.actor, self.sysadmin)

    def test_a_save_that_changes_nothing_writes_nothing(self):
        unit = self.unit_a
        self.client.post(reverse("admin:units_unit_change", args=[unit.pk]), self.unit_form(unit))
        self.assertEqual(self.entries(), [])

    def test_the_service_refuses_a_role_without_the_permission(self):
        from hotline.audit.services import config_save
        from hotline.core.errors import NotAllowed

        unit = Unit.objects.get(pk=self.unit_a.pk)
        unit.phone = "1"
        for user in (self.reviewer, User.objects.get(pk=self.auditor.pk)):
            with self.subTest(user=user.username), self.assertRaises(NotAllowed):
                config_save(actor=user, instance=unit)
        self.assertEqual(self.entries(), [])

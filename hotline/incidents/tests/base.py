from datetime import datetime

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.catalogue.models import MajorIncidentKind
from hotline.incidents.models import DutyContact, Incident, IncidentOrder
from hotline.orders.models import Order
from hotline.testing import PASSWORD, BaseTestCase, aware
from hotline.units.models import Unit

T0 = aware("2026-07-01 10:00")


class IncidentTestCase(BaseTestCase):
    """The personas, and a duty list of two host-unit reviewers."""

    duty1: User
    duty2: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        host = Unit.objects.get(code="infocenter")

        def duty(name: str, phone: str) -> User:
            return account_create(
                username=name, roles=[Role.REVIEWER], unit=host, password=PASSWORD, phone=phone
            )

        cls.duty1 = duty("duty1", "13900000011")
        cls.duty2 = duty("duty2", "13900000012")
        DutyContact.objects.create(position=1, user=cls.duty1)
        DutyContact.objects.create(position=2, user=cls.duty2)

    def kind(self, code: str = "pollution") -> MajorIncidentKind:
        return MajorIncidentKind.objects.get(pk=code)

    def major_order(self, *, at: datetime = T0, code: str = "pollution", **kwargs) -> Order:
        kwargs.setdefault("content", "河道大面积死鱼，水面发黑有刺鼻气味。")
        return self.create_order(major_incident=self.kind(code), now=at, **kwargs)

    def incident_of(self, order: Order) -> Incident:
        return IncidentOrder.objects.get(order=order).incident

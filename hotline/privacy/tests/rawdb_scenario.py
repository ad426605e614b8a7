"""Run in a child process by `test_raw_database.py`, against a file SQLite database: orders
created through the real paths (the intake form, the portal, the JSON API), with a caller's
name and phone and an ID number, a second phone and a bank card written in the content, the
address, a reply and a note. Not a test module: `python -m hotline.privacy.tests.rawdb_scenario`."""

import json
import os
import sys

import django

# A 16-digit UnionPay-range number with a right Luhn digit, an ID with a right check X.
CALLER_NAME = "欧阳春花"
CALLER_PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"
SECOND_PHONE = "13698765432"
CARD = "6222021234567894"
LANDLINE = "02987654321"
SECRETS = (CALLER_NAME, CALLER_PHONE, ID_NUMBER, SECOND_PHONE, CARD, LANDLINE)


def spaced(card: str) -> str:
    return " ".join(card[i : i + 4] for i in range(0, len(card), 4))


def content(channel: str) -> str:
    return (
        f"{channel}：我是{CALLER_NAME}，身份证号{ID_NUMBER}，另一个电话{SECOND_PHONE}，"
        f"退款请打到银行卡 {spaced(CARD)}，回电{CALLER_PHONE}或座机029-87654321。"
    )


ADDRESS = f"幸福路88号 联系人{CALLER_NAME} 电话{SECOND_PHONE}"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.test_settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    call_command("migrate", verbosity=0)

    from hotline.accounts.models import ApiToken
    from hotline.accounts.roles import Role
    from hotline.accounts.services import account_create
    from hotline.orders import services
    from hotline.orders.models import Order
    from hotline.testing import Personas
    from hotline.units.models import Unit

    class P(Personas):
        pass

    P.create_personas()
    made: list[str] = []

    client = Client()
    client.force_login(P.operator)
    response = client.post(
        "/orders/intake/",
        {
            "request_type": "help",
            "caller_name": CALLER_NAME,
            "caller_phone": CALLER_PHONE,
            "address": ADDRESS,
            "content": content("热线"),
            "outcome": "register",
        },
    )
    assert response.status_code in (200, 302), response.status_code

    portal = Client()
    response = portal.post(
        "/portal/submit/",
        {
            "request_type": "consult",
            "caller_name": CALLER_NAME,
            "caller_phone": CALLER_PHONE,
            "address": ADDRESS,
            "content": content("网站"),
        },
    )
    assert response.status_code in (200, 302), response.status_code

    desk = account_create(
        username="api", roles=[Role.LINKAGE], unit=Unit.objects.get(code="police")
    )
    token = ApiToken.issue(user=desk, name="接口")[1]
    response = Client().post(
        "/api/v1/orders",
        json.dumps(
            {
                "request_type": "help",
                "caller_name": CALLER_NAME,
                "caller_phone": CALLER_PHONE,
                "address": ADDRESS,
                "content": content("接口"),
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201, response.content

    orders = list(Order.objects.order_by("pk"))
    assert len(orders) == 3, len(orders)
    # A reply, a note and a reveal on the first (the page reads the originals back).
    order = services.order_accept(order=orders[0], actor=P.operator)
    order = services.order_dispatch(order=order, actor=P.operator, lead_unit=P.unit_a)
    order = services.order_sign(order=order, actor=P.handler_a)
    services.order_add_note(
        order=order, actor=P.handler_a, text=f"已联系{CALLER_NAME}，另留电话{SECOND_PHONE}"
    )
    order = services.order_reply(
        order=order,
        actor=P.handler_a,
        text=f"经核实，{CALLER_NAME}（身份证{ID_NUMBER}）反映属实，款项已退至卡号{CARD}。",
    )
    order = services.order_decide_reply(order=order, actor=P.manager_a, approve=True)
    order = services.order_check_reply(order=order, actor=P.operator, accept=True)
    client.post(f"/orders/{order.number}/reveal/", {"reason": f"回访{SECOND_PHONE}"})
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert ID_NUMBER in page and SECOND_PHONE in page, "the reveal shows the original"
    made = [o.number for o in orders]
    for alias in connections:
        connections[alias].close()
    print(json.dumps(made))


if __name__ == "__main__":
    main()
    sys.exit(0)

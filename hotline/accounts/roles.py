"""The roles of DESIGN §2. A user holds one or more; what each may do is decided in the
rules of each capability (e.g. `hotline.orders.rules`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("话务员")
    OPERATOR_LEAD = "operator_lead", _("班长")
    REVIEWER = "reviewer", _("审核员")
    SUPERVISOR = "supervisor", _("主管")
    HANDLER = "handler", _("承办人")
    MANAGER = "manager", _("负责人")
    LEADER = "leader", _("分管领导")
    AUDITOR = "auditor", _("审计员")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    LINKAGE = "linkage", _("110联动接口")


# Roles held by people of the operating centre; an operator lead may do all an operator may.
CENTRE_ROLES = frozenset({Role.OPERATOR, Role.OPERATOR_LEAD})
# Roles held inside a member unit (Art. 10: 分管领导、业务负责人、业务承办人).
UNIT_ROLES = frozenset({Role.HANDLER, Role.MANAGER, Role.LEADER})
# Separation of duties (等保 三员): these accounts configure the system but never read orders.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN})
# The three administrators of 等保 三员 practice. Each of these roles is held alone, is
# assigned only by the security administrator and never to oneself.
DUTY_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
# Roles of machine accounts: they reach the API with a token, never with a password.
MACHINE_ROLES = frozenset({Role.LINKAGE})

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
    CTI = "cti", _("呼叫中心接口")


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
MACHINE_ROLES = frozenset({Role.LINKAGE, Role.CTI})
# Roles that sign in with a second factor, a TOTP code (issue 13; 等保 level 3, 身份鉴别: two
# or more kinds of authentication for accounts of wide reach). The host unit's roles — the
# host reviewer of 热线主办单位 and the operator lead of its operating centre, who see
# confidential orders and handle returns — the supervisor (all statistics, export approval),
# the three administrators and the auditor. An operator's and a member unit's accounts sign in
# with the password alone; their reach is one seat or one unit.
SECOND_FACTOR_ROLES = frozenset(
    {
        Role.REVIEWER,
        Role.OPERATOR_LEAD,
        Role.SUPERVISOR,
        Role.SYSADMIN,
        Role.SECADMIN,
        Role.AUDITOR,
    }
)

# --- the admin (系统配置) --------------------------------------------------------------------
# What each role may do in the Django admin, as Django permission names. Permissions come from
# roles only: there is no superuser, and groups and per-user permissions grant nothing.

# Configuration the system administrator keeps: added, changed and deleted in the admin, every
# change written to the audit trail (`audit.admin.AuditedModelAdmin`).
CONFIGURATION_MODELS = (
    "units.unit",
    "units.place",
    "catalogue.requesttype",
    "catalogue.category",
    "catalogue.exclusionreason",
    "catalogue.emergencysituation",
    "catalogue.rescueline",
    "catalogue.majorincidentkind",
    "calendar.calendarday",
    "callbacks.callbackpolicy",
    "knowledge.synonym",
    "incidents.dutycontact",
)
# Configuration kept in versions: the system administrator adds a new version, none is ever
# changed or deleted (e.g. the assessment weights a published report names).
VERSIONED_CONFIGURATION_MODELS = ("stats.assessmentscheme", "quality.sheet")
# Shown to the system administrator to read only.
SYSADMIN_READS = (
    "accounts.apitoken",
    "surveys.campaign",
    "surveys.target",
    "surveys.response",
    "django_tasks_database.dbtaskresult",
)


def _permissions(model: str, *verbs: str) -> set[str]:
    app_label, model_name = model.split(".")
    return {f"{app_label}.{verb}_{model_name}" for verb in verbs}


ADMIN_PERMISSIONS: dict[str, frozenset[str]] = {
    # Creates accounts and keeps the configuration; assigns no roles (checked per account in
    # `accounts.permissions`).
    Role.SYSADMIN: frozenset(
        set().union(
            *(
                _permissions(model, "view", "add", "change", "delete")
                for model in CONFIGURATION_MODELS
            ),
            *(_permissions(model, "view", "add") for model in VERSIONED_CONFIGURATION_MODELS),
            *(_permissions(model, "view") for model in SYSADMIN_READS),
            _permissions("accounts.user", "view", "add", "change"),
        )
    ),
    # Assigns roles, unlocks accounts, revokes API tokens.
    Role.SECADMIN: frozenset(
        _permissions("accounts.user", "view", "change")
        | _permissions("accounts.apitoken", "view", "change")
    ),
}

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hotline.accounts"
    verbose_name = "账户与角色"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_login_failed

        from hotline.accounts import login_audit

        user_login_failed.connect(login_audit.record_login_failed, dispatch_uid="audit-login")
        user_locked_out.connect(login_audit.record_locked_out, dispatch_uid="audit-lock")

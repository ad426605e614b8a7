from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hotline.accounts"
    verbose_name = "账户与角色"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from hotline.accounts import login_audit, sessions

        user_login_failed.connect(login_audit.record_login_failed, dispatch_uid="audit-login")
        user_locked_out.connect(login_audit.record_locked_out, dispatch_uid="audit-lock")
        user_logged_in.connect(sessions.on_logged_in, dispatch_uid="signin-session")
        user_logged_out.connect(sessions.on_logged_out, dispatch_uid="signout-session")

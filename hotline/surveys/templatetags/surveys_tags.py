"""`{% load surveys_tags %}{% if user|surveys_nav %}…{% endif %}`: whether the navigation shows the
surveys link for this user."""

from django import template

from hotline.surveys.selectors import may_use_surveys

register = template.Library()


@register.filter
def surveys_nav(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and may_use_surveys(user)  # type: ignore[arg-type]

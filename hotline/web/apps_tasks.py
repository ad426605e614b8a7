"""The task queue's app (django-tasks-db) under a Chinese name in the admin."""

from django_tasks_db.apps import TasksAppConfig


class TasksConfig(TasksAppConfig):
    verbose_name = "后台任务队列"

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class KnowledgeConfig(AppConfig):
    name = "hotline.knowledge"
    verbose_name = "知识库"

    def ready(self) -> None:
        from hotline.knowledge.models import Entry, Synonym
        from hotline.knowledge.search import index_changed
        from hotline.units.models import Unit

        # A change saved in this process rebuilds the search index at the next search; bulk
        # writes elsewhere are caught by the index's periodic check against the database.
        for model in (Entry, Synonym, Unit):
            name = model._meta.label_lower
            post_save.connect(index_changed, sender=model, dispatch_uid=f"kb_index_save_{name}")
            post_delete.connect(index_changed, sender=model, dispatch_uid=f"kb_index_delete_{name}")

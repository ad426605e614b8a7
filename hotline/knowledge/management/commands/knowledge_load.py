"""`hotline knowledge_load`: load the demo knowledge base (synonyms, unit directory, entries)."""

from django.core.management.base import BaseCommand

from hotline.knowledge.models import Entry, EntryState
from hotline.knowledge.search import knowledge_warm
from hotline.knowledge.services import knowledge_load_demo


class Command(BaseCommand):
    help = "载入演示知识库:同义词、单位通讯录(电话、办公时间)和知识条目;可重复执行"

    def handle(self, *args, **options) -> None:
        written = knowledge_load_demo()
        published = Entry.objects.filter(state=EntryState.PUBLISHED).count()
        self.stdout.write(f"已写入 {written} 条知识条目;现有已发布条目 {published} 条")
        self.stdout.write(f"检索索引已建立,用时 {knowledge_warm():.0f} 毫秒")

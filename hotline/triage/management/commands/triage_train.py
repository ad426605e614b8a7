"""`hotline triage_train`: retrain from the shipped corpus plus the operators' decisions,
print the figures before and after on a held-out part, install only when not worse."""

from django.core.management.base import BaseCommand, CommandParser

from hotline.triage.services import triage_train


class Command(BaseCommand):
    help = "Retrain triage; install the new model only when it is not worse."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=12345)

    def handle(self, *args, seed: int, **options) -> None:
        result = triage_train(seed=seed)
        t = result.training
        self.stdout.write(
            f"语料 corpus {t.corpus_rows} 条, 工单决定 decisions {t.decision_rows} 条; "
            f"held-out {result.before[0].count} 条"
        )
        self.stdout.write("| figure | before | after |\n|---|---:|---:|")
        for old, new in zip(result.before, result.after, strict=True):
            self.stdout.write(f"| {old.label} | {old.value:.1%} | {new.value:.1%} |")
        if result.installed:
            self.stdout.write(f"已启用新模型 installed: {t.version}")
        else:
            self.stdout.write("新模型不优于现用模型，未启用 kept the model in use")

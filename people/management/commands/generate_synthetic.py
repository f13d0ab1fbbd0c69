"""manage.py generate_synthetic --scale province|nation [--seed N]: benchmark data on real units."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from people import synthetic


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu tổng hợp (xác định theo --seed) trên đơn vị hành chính thật, để đo hiệu năng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(synthetic.SCALES), default="province")
        parser.add_argument("--seed", type=int, default=33)

    def handle(self, *args: object, scale: str, seed: int, **options: object) -> None:
        started = time.perf_counter()
        try:
            counts, digest, reused = synthetic.generate(scale=scale, seed=seed)
        except synthetic.SyntheticError as e:
            raise CommandError(str(e)) from e
        for name, value in counts.items():
            self.stdout.write(f"{name}: {value}")
        self.stdout.write(f"digest: {digest}")
        word = "dùng lại" if reused else "tạo"
        self.stdout.write(f"{word} trong {time.perf_counter() - started:.1f} s")

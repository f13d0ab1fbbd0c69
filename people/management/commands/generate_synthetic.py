"""manage.py generate_synthetic --scale province|nation [--seed N] [--database-url URL]:
benchmark data on the real units of both editions."""

import os
import subprocess  # nosec B404: re-runs this project's own manage.py
import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from people import synthetic


def run_elsewhere(url: str, argv: list[str]) -> None:
    """Create and migrate the database of `url`, then run `argv` of manage.py on it: the
    settings read DATABASE_URL once, so another database needs another process."""
    synthetic.create_database(url)
    env = os.environ | {"DATABASE_URL": url}
    for args in (["migrate", "-v0"], argv):
        done = subprocess.run([sys.executable, sys.argv[0], *args], env=env, check=False)  # nosec B603
        if done.returncode:
            raise CommandError(f"manage.py {args[0]} thất bại trên {url}")


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu tổng hợp (xác định theo --seed) trên đơn vị hành chính thật, để đo hiệu năng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(synthetic.SCALES), default="province")
        parser.add_argument("--seed", type=int, default=33)
        parser.add_argument(
            "--database-url", default="", help="cơ sở dữ liệu khác (tạo nếu chưa có)"
        )

    def handle(
        self, *args: object, scale: str, seed: int, database_url: str, **options: object
    ) -> None:
        if database_url:
            run_elsewhere(
                database_url, ["generate_synthetic", f"--scale={scale}", f"--seed={seed}"]
            )
            return
        started = time.perf_counter()
        try:
            counts, digest, reused = synthetic.generate(scale=scale, seed=seed, stderr=self.stderr)
        except synthetic.SyntheticError as e:
            raise CommandError(str(e)) from e
        for name, value in counts.items():
            self.stdout.write(f"{name}: {value}")
        self.stdout.write(f"digest: {digest}")
        word = "dùng lại" if reused else "tạo"
        self.stdout.write(f"{word} trong {time.perf_counter() - started:.1f} s")

"""manage.py bench [NAME ...|all] [--repeat N]: run registered benchmarks, print JSON."""

import importlib
import json
import statistics
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

APPS = ["people", "training", "certificates", "coverage"]


def discover() -> dict[str, Callable[[], dict]]:
    """Every `BENCHMARKS` dict of `<app>/benchmarks.py`, for the apps that have one."""
    found: dict[str, Callable[[], dict]] = {}
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.benchmarks")
        except ModuleNotFoundError as e:
            if e.name != f"{app}.benchmarks":
                raise
            continue
        found.update(getattr(module, "BENCHMARKS", {}))
    return found


def run(fn: Callable[[], dict], repeat: int) -> dict:
    """The median of each number over `repeat` runs (the runs themselves when repeated)."""
    runs = [fn() for _ in range(repeat)]
    if repeat == 1:
        return runs[0]
    keys = [k for k, v in runs[0].items() if isinstance(v, int | float)]
    return {k: statistics.median(r[k] for r in runs) for k in keys} | {"runs": runs}


class Command(BaseCommand):
    help = "Chạy các phép đo hiệu năng (benchmarks.py của từng ứng dụng); không tên: liệt kê."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", help="tên phép đo, hoặc «all»")
        parser.add_argument("--repeat", type=int, default=1, help="số lần chạy (lấy trung vị)")
        parser.add_argument("--scale", choices=["commune", "province", "nation"], default="")
        parser.add_argument("--format", choices=["json", "table"], default="json")
        parser.add_argument("--list", action="store_true", help="liệt kê các phép đo --scale")
        parser.add_argument("--seed", type=int, default=33)

    def handle(self, *args: object, names: list[str], repeat: int, **options: Any) -> None:
        if options["list"] or options["scale"]:
            self.scaled(names, repeat, **options)
            return
        benchmarks = discover()
        if not names:
            self.stdout.write("\n".join(sorted(benchmarks)))
            return
        chosen = sorted(benchmarks) if names == ["all"] else names
        unknown = [n for n in chosen if n not in benchmarks]
        if unknown:
            raise CommandError(f"Không có phép đo: {', '.join(unknown)}")
        if repeat < 1:
            raise CommandError("--repeat phải ≥ 1")
        results = {name: run(benchmarks[name], repeat) for name in chosen}
        self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2, default=str))

    def scaled(self, names: list[str], repeat: int, **options: Any) -> None:
        """The cases of coverage/scale_bench.py on the generated data set (made or reused)."""
        from coverage import scale_bench
        from people import synthetic

        if options["list"]:
            self.stdout.write("\n".join(scale_bench.NAMES))
            return
        unknown = [n for n in names if n not in scale_bench.NAMES]
        if unknown:
            raise CommandError(f"Không có phép đo: {', '.join(unknown)}")
        try:
            synthetic.generate(scale=options["scale"], seed=options["seed"], stderr=self.stderr)
        except synthetic.SyntheticError as e:
            raise CommandError(str(e)) from e
        cases = scale_bench.cases(max(repeat, 1), options["scale"])
        results = {name: cases[name]() for name in names or scale_bench.NAMES}
        if options["format"] == "json":
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
            return
        for name, figures in results.items():
            cells = "  ".join(f"{k}={v}" for k, v in figures.items())
            self.stdout.write(f"{name:<20} {cells}")

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from certificates.services import CertificateError, issue_for_course


class Command(BaseCommand):
    help = "Cấp giấy chứng nhận cho mọi học viên đã hoàn thành một lớp mà chưa có giấy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", type=int, required=True, help="id của lớp")

    def handle(self, *args: object, **options: Any) -> None:
        from training.models import Course

        try:
            course = Course.objects.select_related("programme").get(pk=options["course"])
        except Course.DoesNotExist as error:
            raise CommandError(f"Không có lớp id={options['course']}") from error
        if not course.programme.has_certificate:
            raise CommandError(f"Chương trình «{course.programme.title}» không cấp giấy chứng nhận")
        try:
            batch = issue_for_course(course=course)
        except CertificateError as error:
            raise CommandError(str(error)) from error
        for certificate in batch.issued:
            self.stdout.write(
                f"{certificate.number}\t{certificate.holder_name}\t{certificate.code}"
            )
        for refusal in batch.refused:
            self.stderr.write(f"Không cấp: {refusal}")
        done = f"Đã cấp {len(batch.issued)} giấy chứng nhận cho lớp «{course}»."
        if batch.refused:
            # Every other trainee got theirs; the exit code says that some did not.
            raise CommandError(f"{done} {len(batch.refused)} người không được cấp (xem trên).")
        self.stdout.write(self.style.SUCCESS(done))

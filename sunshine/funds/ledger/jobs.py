"""Running a staff upload as an ImportJob, in a background thread.

The thread keeps the request short and lets the progress page poll the
job row. ``SUNSHINE_LEDGER_IMPORT_IN_THREAD = False`` runs the job inside
the upload request instead, which the tests use: their database
transaction is not visible to another thread.
"""

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sunshine.funds.ledger.errors import LedgerIssue
from sunshine.funds.ledger.importer import LedgerError, import_workbook
from sunshine.funds.models_ledger import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

# Minimum seconds between two progress writes to the job row.
PROGRESS_INTERVAL = 0.5


def start_job(user, file_name: str, upload_path: str, language: str) -> ImportJob:
    job = ImportJob.objects.create(user=user, file_name=file_name[:255], upload_path=upload_path,
                                   language=language)
    logger.info("ledger import job %s queued by user %s", job.pk, user.pk)
    if getattr(settings, "SUNSHINE_LEDGER_IMPORT_IN_THREAD", True):
        transaction.on_commit(lambda: _start_thread(job.pk))
    else:
        run_job(job.pk)
    return job


def _start_thread(job_id: int) -> None:
    thread = threading.Thread(target=_run_in_thread, args=(job_id,),
                              name=f"ledger-import-{job_id}", daemon=True)
    thread.start()


def _run_in_thread(job_id: int) -> None:
    try:
        run_job(job_id)
    finally:
        # Django opens one connection per thread; this one ends here.
        connections.close_all()


def run_job(job_id: int) -> None:
    """Import the job's file and record the report or the problems on the job row.

    NOTE: a job whose process stops mid-import (a server restart) keeps the
    status "running" for good, and its upload stays in the temporary
    directory. Its transaction never committed, so nothing was written; the
    user has to upload the file again.
    """
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        report = import_workbook(job.user, job.upload_path, progress=_progress_writer(job_id),
                                 language=job.language)
    except LedgerError as error:
        job.status = ImportStatus.FAILED
        job.problems = [issue.as_dict() for issue in error.errors]
        job.more_problems = error.more
    except Exception:
        logger.exception("ledger import job %s failed", job_id)
        job.status = ImportStatus.FAILED
        job.problems = [LedgerIssue("", None, "", "", _internal_error(job.language)).as_dict()]
    else:
        job.status = ImportStatus.SUCCEEDED
        job.report = report.as_dict()
        job.done_rows = job.total_rows = report.rows
    finally:
        _remove(job.upload_path)
    job.upload_path = ""
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "problems", "more_problems", "report", "done_rows",
                            "total_rows", "upload_path", "finished_at"])


def _progress_writer(job_id: int) -> Callable[[int, int], None]:
    last = 0.0

    def write(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_INTERVAL or done == total:
            last = now
            ImportJob.objects.filter(pk=job_id).update(done_rows=done, total_rows=total)

    return write


def _internal_error(language: str) -> str:
    with translation.override(language):
        return _("The import stopped because of an internal error; nothing was imported. "
                 "Try again later or tell an administrator.")


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)

"""Real Celery processes of the project's app on a queue of their own, for fault tests:

* ``python -m tests.security.fault_worker <queue>``: a worker (solo pool);
* ``python -m tests.security.fault_worker <queue> beat <schedule file>``: a beat that sends
  the periodic jobs of ``FAST_JOBS`` every ``BEAT_SECONDS`` instead of every minute.

What differs from production is only time: the broker's visibility timeout is a few seconds
instead of an hour, so that a message whose worker was killed is handed out again within the
test; a beat ticks every second or two. Everything else (acks_late, reject on worker lost,
prefetch 1, the tasks, the database) is the production configuration.
"""

import os
import sys

VISIBILITY_SECONDS = 4
BEAT_SECONDS = 1.5
# The jobs that claim due rows with conditional UPDATEs or SKIP LOCKED (DESIGN §8).
FAST_JOBS = (
    "tickets.tasks.sla_check",
    "notices.tasks.publish_due_notices",
    "events.tasks.send_reminders",
    "communications.tasks.send_due_deliveries",
)


def main() -> None:
    from portal.celery import app

    queue = sys.argv[1]
    app.conf.task_default_queue = queue
    app.conf.broker_transport_options = {
        "visibility_timeout": VISIBILITY_SECONDS,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
    if sys.argv[2:3] == ["beat"]:
        app.conf.beat_schedule = {
            task: {"task": task, "schedule": BEAT_SECONDS} for task in FAST_JOBS
        }
        app.start(["beat", "--schedule", sys.argv[3], "--max-interval", "1",
                   "--loglevel", "INFO"])
        return
    app.worker_main([
        "worker", "-Q", queue, "--pool", "solo", "--loglevel", "INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--hostname", f"fault-{queue}-{os.getpid()}@%h",
    ])


if __name__ == "__main__":
    main()

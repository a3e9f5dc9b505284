"""The API benchmark's editor: a separate process that publishes a bench page of one type every INTERVAL
seconds through Wagtail's revision publish (`save_revision().publish()`, as the admin's Publish button
does), so every signal the hub listens to fires, in another process than the server, as in production.

    python -m bench._api_editor MODEL_LABEL      (DJANGO_SETTINGS_MODULE and DATABASE_URL in the environment)

Driven over stdin, one command a line: `start` (publish every INTERVAL s from now on), `stop` (stop and
answer one JSON line {"publishes": n, "seconds": [...]} for the publishes since `start`), `quit`.
It prints `ready` once Django is set up.
"""

from __future__ import annotations

import json
import sys
import threading
import time

INTERVAL = 2.0


def main(label: str) -> int:
    import django

    django.setup()
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db import connection

    model = apps.get_model(label)
    user = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_superuser": True, "is_staff": True}
    )[0]
    page_ids = list(model.objects.live().filter(slug__startswith="bench-").order_by("pk").values_list("pk", flat=True))
    if not page_ids:
        print(f"no live bench pages of {label}", flush=True)
        return 1
    active = threading.Event()
    done = threading.Event()
    lock = threading.Lock()
    publishing = threading.Lock()  # held during one publish, so `stop` answers after it
    taken: list[float] = []
    failures: list[str] = []

    def publish_loop() -> None:
        n = 0
        while not done.is_set():
            if not active.wait(0.05):
                continue
            started = time.perf_counter()
            with publishing:
                if not active.is_set():
                    continue
                pk = page_ids[n % len(page_ids)]
                n += 1
                try:
                    page = model.objects.get(pk=pk).get_latest_revision_as_object()
                    page.teaser = f"{page.teaser.split(' Stand:')[0]} Stand: {n}"
                    page.save_revision(user=user, log_action=True).publish(user=user)
                    with lock:
                        taken.append(time.perf_counter() - started)
                except Exception as exc:  # noqa: BLE001 - reported to the benchmark, which prints it
                    with lock:
                        failures.append(f"page {pk}: {type(exc).__name__}: {exc}")
            # Every INTERVAL seconds from the start of the last publish; `stop` interrupts the wait.
            deadline = started + INTERVAL
            while active.is_set() and not done.is_set() and time.perf_counter() < deadline:
                time.sleep(0.02)
        connection.close()

    thread = threading.Thread(target=publish_loop, daemon=True)
    thread.start()
    print("ready", flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "start":
            with lock:
                taken.clear()
                failures.clear()
            active.set()
            print("started", flush=True)
        elif command == "stop":
            active.clear()
            with publishing, lock:
                print(json.dumps({"publishes": len(taken), "seconds": taken, "failures": failures}), flush=True)
        elif command == "quit":
            break
    done.set()
    active.clear()
    thread.join(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

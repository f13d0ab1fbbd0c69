"""Bounded load test of the API list pages (`make load`): 20 clients against a running
production server (`make serve`) on loopback, signed in with an API token, as nginx would send
them (X-Forwarded-Proto: https). Locust stops by itself after LOAD_TIME and fails (exit 1) when
any request failed or the 95th percentile is above LOAD_P95_MS."""

import os

from locust import HttpUser, between, events, task

HEADERS = {
    "Authorization": f"Token {os.environ.get('LOAD_TOKEN', '')}",
    "X-Forwarded-Proto": "https",
    "Accept-Encoding": "gzip",
}
P95_MS = int(os.environ.get("LOAD_P95_MS", "200"))


class ApiClient(HttpUser):
    wait_time = between(0.1, 0.5)

    @task(3)
    def people(self) -> None:
        self.client.get("/api/v1/people/", headers=HEADERS, name="/api/v1/people/")

    @task(3)
    def positions(self) -> None:
        self.client.get("/api/v1/positions/", headers=HEADERS, name="/api/v1/positions/")


@events.quitting.add_listener
def verdict(environment, **kwargs) -> None:  # type: ignore[no-untyped-def]
    total = environment.stats.total
    p95 = total.get_response_time_percentile(0.95) or 0
    print(f"requests={total.num_requests} failures={total.num_failures} p95_ms={p95:.0f}")
    if total.num_failures or p95 > P95_MS or not total.num_requests:
        environment.process_exit_code = 1

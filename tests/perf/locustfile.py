"""Load for `make bench`: staff of the Oslo-sized municipality and of others use their everyday pages.

Run by tests/perf/bench.py against gunicorn on loopback; BENCH_USERS names a JSON file of personas
({"oslo": [...], "other": [...]}, each {"username", "role", "households"}) written by the driver, and
BENCH_PASSWORD the demo password (demo.data.DEMO_PASSWORD; no Django in the locust process).
"""

import json
import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ["BENCH_PASSWORD"]
PERSONAS = json.loads(open(os.environ["BENCH_USERS"]).read())  # noqa: SIM115
PAGES = {
    "counsellor": ["/cases/"],
    "officer": ["/housing/units/", "/housing/flags/"],
    "manager": ["/reports/", "/cases/", "/housing/units/"],
}


class Staff(HttpUser):
    # Staff read a page before the next click: a counsellor's page is read for seconds, not milliseconds.
    wait_time = between(5, 15)

    def on_start(self):
        pool = PERSONAS["oslo"] if random.random() < 0.5 else PERSONAS["other"]
        self.persona = random.choice(pool)
        page = self.client.get("/login/", name="login form")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post(
            "/login/",
            {
                "username": self.persona["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": self.client.base_url + "/login/"},
            name="login",
        )

    @task(3)
    def everyday_page(self):
        url = random.choice(PAGES[self.persona["role"]])
        self.client.get(url, name=url)

    @task(2)
    def household_page(self):
        households = self.persona["households"]
        if households:
            self.client.get(f"/cases/households/{random.choice(households)}/", name="household page")
        else:
            self.client.get("/", name="/")

"""Load for `make bench`: staff of the Oslo-sized municipality and of others sign in and use their
everyday pages, reading each for 1–5 s.

Run by tests/perf/bench_locust.py against gunicorn on loopback; BENCH_USERS names a JSON file of
personas ({"oslo": [...], "other": [...], "long_household": id}, each persona {"username", "role",
"households"}) and BENCH_PASSWORD the demo password (no Django in the locust process). A sign-in that
lands back on the login page, and any page answered by the login page, count as failures.
"""

import json
import os
import random
import re
from urllib.parse import urlparse

from locust import HttpUser, events, task
from locust.exception import StopUser

PASSWORD = os.environ["BENCH_PASSWORD"]
with open(os.environ["BENCH_USERS"]) as f:
    PERSONAS = json.load(f)
PAGES = {
    "counsellor": ["/cases/"],
    "officer": ["/housing/units/", "/housing/flags/"],
    "manager": ["/reports/", "/cases/", "/housing/units/"],
}
LONG_TIMELINE = "household page, 2 000 events"
# Sign-ins happen while the load builds up, before the figures are reset (`--reset-stats`): counted
# here, and written to BENCH_LOGINS when the run stops, so every sign-in is still checked.
SIGN_INS = {"signed_in": 0, "failed": 0, "failures": []}


@events.test_stop.add_listener
def _write_sign_ins(**_kwargs):
    with open(os.environ["BENCH_LOGINS"], "w") as f:
        json.dump(SIGN_INS, f)


def on_login_page(response):
    return urlparse(response.url or "").path.startswith("/login")


class Staff(HttpUser):
    """The n-th user to start is the same persona, with the same choices, in every run: its own random
    generator, seeded with n (the load's mix does not vary from run to run)."""

    started = 0

    def wait_time(self):
        return self.rng.uniform(1, 5)

    def on_start(self):
        Staff.started += 1
        self.rng = random.Random(Staff.started)
        oslo = self.rng.random() < 0.5
        self.persona = self.rng.choice(PERSONAS["oslo"] if oslo else PERSONAS["other"])
        self.oslo_counsellor = oslo and self.persona["role"] == "counsellor"
        form = self.client.get("/login/", name="login form")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        with self.client.post(
            "/login/",
            {
                "username": self.persona["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": self.client.base_url + "/login/"},
            name="login",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or on_login_page(response):
                response.failure(f"not signed in: {response.status_code} at {response.url}")
                SIGN_INS["failed"] += 1
                SIGN_INS["failures"].append(f"{response.status_code} at {response.url}")
                raise StopUser
            SIGN_INS["signed_in"] += 1

    def page(self, url, name):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")
            elif on_login_page(response):
                response.failure("sent back to the login page")

    @task(3)
    def everyday_page(self):
        url = self.rng.choice(PAGES[self.persona["role"]])
        self.page(url, url)

    @task(2)
    def household_page(self):
        households = self.persona["households"]
        if households:
            self.page(f"/cases/households/{self.rng.choice(households)}/", "household page")
        else:
            self.page("/", "/")

    @task(1)
    def long_timeline(self):
        """Oslo's counsellors open the household with 2 000 events on its timeline now and then."""
        if self.oslo_counsellor and PERSONAS["long_household"]:
            self.page(f"/cases/households/{PERSONAS['long_household']}/", LONG_TIMELINE)
        else:
            self.everyday_page()

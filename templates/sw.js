{% load static %}/* Boveileder's service worker, served from /sw.js as a template for its static URLs.

What it keeps on the device, and what it never does:
- the static shell (CSS, scripts) and ONE page: the offline follow-up form, which holds no household's
  data (a household is chosen on the device by its reference). Pages with a household's record are
  never cached: a navigation goes to the network, and offline falls back to that form.
- the queue of visits saved offline (Workbox background sync, IndexedDB). Each carries an id made
  on the device (the form token); an entry leaves the queue when the server has stored it, so the
  note is gone from the device once sent.
- a short list of what was sent (reference, time, notices): no name, note or ID. */
importScripts(
  "{% static 'vendor/workbox/workbox-core.prod.js' %}",
  "{% static 'vendor/workbox/workbox-routing.prod.js' %}",
  "{% static 'vendor/workbox/workbox-strategies.prod.js' %}",
  "{% static 'vendor/workbox/workbox-background-sync.prod.js' %}"
);

const OFFLINE_URL = "{% url 'cases:followup_offline' %}";
const TOKEN_URL = "{% url 'cases:followup_offline_token' %}";
const LOGIN_URL = "{% url 'login' %}";
const SYNC_PATH = /^\/cases\/households\/\d+\/followups\/sync\/$/;
const SHELL = "boveileder-shell-v1";
const PAGES = "boveileder-offline-v1";
const SENT = "boveileder-sent-v1";
const SENT_KEY = "/offline/sent.json";
const SENT_KEPT = 20;
const STATIC_ASSETS = [
  "{% static 'vendor/bootstrap/bootstrap.min.css' %}",
  "{% static 'css/app.css' %}",
  "{% static 'django_htmx/htmx-2.min.js' %}",
  "{% static 'vendor/bootstrap/bootstrap.bundle.min.js' %}",
  "{% static 'js/app.js' %}",
  "{% static 'js/offline.js' %}",
  "{% static 'favicon.svg' %}",
];

workbox.core.setCacheNameDetails({ prefix: "boveileder" });
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(STATIC_ASSETS)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => {
  const kept = [SHELL, PAGES, SENT];
  event.waitUntil(
    caches.keys().then((names) => Promise.all(names.filter((n) => n.startsWith("boveileder-") && !kept.includes(n)).map((n) => caches.delete(n))))
  );
});
workbox.core.clientsClaim();

// The visits saved offline. Replayed by `replay` below: on the browser's sync event, when a page
// comes online or opens, and right after a visit is saved. Kept until sent, however long it takes.
const queue = new workbox.backgroundSync.Queue("boveileder-followups", {
  maxRetentionTime: 60 * 24 * 365,
  onSync: () => replay(),
});
let signInNeeded = false;
let running = null;

async function sentList() {
  const response = await (await caches.open(SENT)).match(SENT_KEY);
  return response ? response.json() : [];
}

async function sentAdd(item) {
  const list = [item, ...(await sentList())].slice(0, SENT_KEPT);
  await (await caches.open(SENT)).put(SENT_KEY, new Response(JSON.stringify(list), { headers: { "Content-Type": "application/json" } }));
}

async function tell() {
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage({ type: "queue-changed" });
}

async function state() {
  const entries = await queue.getAll();
  return {
    waiting: entries.map((e) => ({ id: e.metadata.id, reference: e.metadata.reference, queuedAt: e.timestamp, attempts: e.metadata.attempts || 0, error: e.metadata.error || "" })),
    sent: await sentList(),
    signInNeeded,
  };
}

function isLogin(response) {
  return response.redirected && new URL(response.url).pathname === LOGIN_URL;
}

function firstError(errors) {
  for (const messages of Object.values(errors || {})) if (messages.length) return messages[0];
  return "";
}

async function sendAll() {
  if ((await queue.size()) === 0) return;
  let who;
  try {
    const response = await fetch(TOKEN_URL, { credentials: "same-origin", cache: "no-store" });
    if (isLogin(response) || !response.ok) {
      signInNeeded = isLogin(response) || response.status === 403;
      return;
    }
    who = await response.json();
  } catch (error) {
    return; // still offline: the queue waits
  }
  signInNeeded = false;
  const later = [];
  let entry;
  try {
    while ((entry = await queue.shiftRequest())) {
      if (entry.metadata.user !== who.user || entry.metadata.error) {
        later.push(entry); // another user's visit on a shared phone, or one the server refused
        continue;
      }
      let response;
      try {
        response = await fetch(entry.request.url, {
          method: "POST",
          body: await entry.request.clone().text(),
          headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": who.csrf },
          credentials: "same-origin",
          redirect: "follow",
        });
      } catch (error) {
        // The connection dropped mid-send: the same id is sent again later, and stored once.
        entry.metadata.attempts = (entry.metadata.attempts || 0) + 1;
        later.unshift(entry);
        break;
      }
      if (isLogin(response)) {
        signInNeeded = true;
        later.unshift(entry);
        break;
      }
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        await sentAdd({ id: entry.metadata.id, reference: entry.metadata.reference, queuedAt: entry.timestamp, sentAt: Date.now(), notices: body.notices || [] });
      } else {
        entry.metadata.error = firstError(body.errors) || `HTTP ${response.status}`;
        later.push(entry);
      }
    }
  } finally {
    for (const kept of later.reverse()) await queue.unshiftRequest(kept);
  }
}

function replay() {
  if (!running) running = sendAll().finally(() => { running = null; return tell(); });
  return running;
}

// A visit from the offline form: queued first, then sent at once if the connection allows.
workbox.routing.registerRoute(
  ({ url, request }) => request.method === "POST" && url.origin === self.location.origin && SYNC_PATH.test(url.pathname),
  async ({ request, event }) => {
    const id = request.headers.get("X-Visit-Id");
    await queue.pushRequest({
      request: request.clone(),
      metadata: { id, reference: request.headers.get("X-Household-Reference") || "", user: Number(request.headers.get("X-User")) },
    });
    // Online, the visit is usually sent at once: answer 201 then, 202 while it waits (a slow send keeps
    // going in the background; the page hears of it through "queue-changed").
    const sending = replay();
    event.waitUntil(sending);
    await Promise.race([sending, new Promise((resolve) => setTimeout(resolve, 5000))]);
    const waiting = (await queue.getAll()).find((entry) => entry.metadata.id === id);
    const body = { queued: id, error: waiting ? waiting.metadata.error || "" : "" };
    return new Response(JSON.stringify(body), { status: waiting ? 202 : 201, headers: { "Content-Type": "application/json" } });
  },
  "POST"
);

// The ordinary follow-up form, when the connection is lost at «Lagre»: the visit joins the queue under
// its form token (the same id the server would have claimed), and the phone shows the offline form
// with the visit waiting. Only a form that offline.js marked with its reference and user is kept.
const FORM_PATH = /^\/cases\/households\/(\d+)\/followups\/new\/$/;
workbox.routing.registerRoute(
  ({ url, request }) => request.method === "POST" && url.origin === self.location.origin && FORM_PATH.test(url.pathname),
  async ({ url, request, event }) => {
    const copy = request.clone();
    try {
      return await fetch(request);
    } catch (error) {
      const form = new URLSearchParams(await copy.text());
      const id = form.get("form_token");
      const reference = form.get("offline_reference");
      const user = Number(form.get("offline_user"));
      if (!id || !reference || !user) throw error;
      for (const name of ["csrfmiddlewaretoken", "offline_reference", "offline_user"]) form.delete(name);
      const household = url.pathname.match(FORM_PATH)[1];
      const sync = new Request(`/cases/households/${household}/followups/sync/`, {
        method: "POST",
        body: form.toString(),
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      await queue.pushRequest({ request: sync, metadata: { id, reference, user } });
      event.waitUntil(replay());
      return Response.redirect(`${OFFLINE_URL}?household=${household}&queued=1`, 303);
    }
  },
  "POST"
);

// Static files: from the cache, refreshed in the background.
workbox.routing.registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith("{% get_static_prefix %}"),
  new workbox.strategies.StaleWhileRevalidate({ cacheName: SHELL })
);

// Pages always from the network; offline, the follow-up form stands in for any page.
workbox.routing.registerRoute(({ request }) => request.mode === "navigate", new workbox.strategies.NetworkOnly());
workbox.routing.setCatchHandler(async ({ request }) => {
  if (request.mode === "navigate") {
    const page = await (await caches.open(PAGES)).match(OFFLINE_URL);
    if (page) return page;
  }
  return Response.error();
});

// A visit the server refused (say, a date ahead on a phone whose clock is wrong): taken out of the
// queue and back into the form on the phone, to be corrected and saved again.
async function take(id) {
  if (running) await running;
  const others = [];
  let entry;
  let found = null;
  while ((entry = await queue.shiftRequest())) {
    if (!found && entry.metadata.id === id) found = entry;
    else others.push(entry);
  }
  for (const other of others) await queue.pushRequest(other);
  if (!found) return null;
  const household = new URL(found.request.url).pathname.match(/\/households\/(\d+)\//)[1];
  return { household: Number(household), reference: found.metadata.reference, body: await found.request.text() };
}

self.addEventListener("message", (event) => {
  const port = event.ports[0];
  const answer = (promise) => event.waitUntil(promise.then((value) => port && port.postMessage(value)));
  if (event.data.type === "state") answer(state());
  else if (event.data.type === "replay") answer(replay().then(state));
  else if (event.data.type === "keep-offline-page") answer(keepOfflinePage());
  else if (event.data.type === "take") answer(take(event.data.id));
});

// Called from an online page of a signed-in counsellor: the offline form, only if it came back as itself.
async function keepOfflinePage() {
  try {
    const response = await fetch(OFFLINE_URL, { credentials: "same-origin", cache: "no-store" });
    if (response.ok && !response.redirected) await (await caches.open(PAGES)).put(OFFLINE_URL, response);
  } catch (error) {
    /* offline: the copy kept before stays */
  }
  return true;
}

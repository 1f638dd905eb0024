// Logging a visit without a connection. The service worker (/sw.js) keeps the shell and the
// offline follow-up form, and queues the visits; this script talks to it. On the device it keeps only
// households' ids and references (localStorage), never a name, a note or an ID number.
(() => {
  const body = document.body;
  if (!("serviceWorker" in navigator) || !window.isSecureContext || !body.dataset.serviceWorker) return;
  const RECENT_KEY = "boveileder.recent-households";
  const RECENT_KEPT = 30;
  const user = Number(body.dataset.offlineUser || 0);
  const page = document.querySelector("[data-offline-page]");
  const locale = document.documentElement.lang || "nb";
  // The words, translated by Django ({% offline_strings %} in base.html, JSON in a data attribute).
  const words = JSON.parse((document.getElementById("offline-strings") || { dataset: {} }).dataset.words || "{}");
  const say = (key, values = {}) => (words[key] || key).replace(/%\((\w+)\)s/g, (_all, name) => values[name]);

  navigator.serviceWorker.register(body.dataset.serviceWorker, { scope: "/" }).catch(() => {});

  // Ask the service worker something; resolves to null when no worker answers in time.
  async function ask(type, extra = {}) {
    const registration = await Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(r, 3000))]);
    const worker = navigator.serviceWorker.controller || (registration && registration.active);
    if (!worker) return null;
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      const timer = setTimeout(() => resolve(null), 10000);
      channel.port1.onmessage = (event) => { clearTimeout(timer); resolve(event.data); };
      worker.postMessage({ type, ...extra }, [channel.port2]);
    });
  }

  function recent() {
    try {
      const kept = JSON.parse(localStorage.getItem(RECENT_KEY) || "{}");
      return kept.user === user ? kept.households || [] : [];
    } catch (error) {
      return [];
    }
  }

  function remember(links) {
    const seen = new Map(recent().map((h) => [h.id, h]));
    const fresh = [];
    for (const link of links) {
      const id = Number(link.dataset.offlineHousehold);
      fresh.push({ id, reference: link.dataset.reference });
      seen.delete(id);
    }
    const households = [...fresh, ...seen.values()].slice(0, RECENT_KEPT);
    localStorage.setItem(RECENT_KEY, JSON.stringify({ user, households }));
  }

  const when = (ms) => new Date(ms).toLocaleString(locale, { dateStyle: "short", timeStyle: "short" });
  const item = (text) => { const li = document.createElement("li"); li.textContent = text; return li; };
  const waitingText = (n) => say(n === 1 ? "waiting_one" : "waiting_other", { n });

  const tried = (n) => (!n ? "" : ` – ${say(n === 1 ? "tried_one" : "tried_other", { n })}`);

  async function render() {
    const state = await ask("state");
    if (!state) return;
    const banner = document.getElementById("offline-queue-banner");
    if (banner && !page) {
      banner.hidden = state.waiting.length === 0;
      if (state.waiting.length) {
        banner.replaceChildren(document.createTextNode(waitingText(state.waiting.length) + " "));
        if (body.dataset.offlineUrl) {
          const link = document.createElement("a");
          link.href = body.dataset.offlineUrl;
          link.className = "alert-link";
          link.textContent = say("see_them");
          banner.append(link);
        } else {
          banner.append(say("after_sign_in"));
        }
      }
    }
    if (!page) return;
    document.getElementById("offline-waiting-count").textContent = state.waiting.length
      ? waitingText(state.waiting.length) : say("waiting_none");
    document.getElementById("offline-waiting").replaceChildren(...state.waiting.map((w) => {
      const li = item(`${w.reference} – ${say("saved_at")} ${when(w.queuedAt)}${tried(w.attempts)}${w.error ? ` – ${say("not_sent")}: ${w.error}` : ""}`);
      if (w.error) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-primary ms-2";
        button.textContent = say("correct", { reference: w.reference });
        button.addEventListener("click", () => correct(w.id));
        li.append(" ", button);
      }
      return li;
    }));
    const sent = state.sent.map((s) => item(
      `${s.reference} – ${say("sent_at")} ${when(s.sentAt)}${s.notices.length ? ` – ${s.notices.join(" ")}` : ""}`));
    document.getElementById("offline-sent").replaceChildren(...(sent.length ? sent : [item(say("none_yet"))]));
    document.getElementById("offline-signin").hidden = !state.signInNeeded;
  }

  // Back into the form: the refused visit's fields, as it was typed; saved again with a new id.
  async function correct(id) {
    const visit = await ask("take", { id });
    if (!visit) return;
    const form = document.getElementById("offline-form");
    form.reset();
    const select = document.getElementById("offline-household");
    if (![...select.options].some((option) => option.value === String(visit.household))) {
      select.append(new Option(visit.reference, visit.household));
    }
    select.value = String(visit.household);
    const fields = new URLSearchParams(visit.body);
    for (const element of form.elements) {
      if (!element.name || element.name === "household" || !fields.has(element.name)) continue;
      const values = fields.getAll(element.name);
      if (element.type === "checkbox" || element.type === "radio") element.checked = values.includes(element.value);
      else element.value = values[0];
    }
    render();
    form.querySelector("input, select, textarea").focus();
  }

  function showConnection() {
    const note = document.getElementById("offline-connection");
    if (note) note.hidden = navigator.onLine;
  }

  function today() {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  }

  function setUpForm() {
    const form = document.getElementById("offline-form");
    const select = document.getElementById("offline-household");
    const match = location.pathname.match(/\/households\/(\d+)\//) || [null, new URLSearchParams(location.search).get("household")];
    const chosen = Number(match[1] || 0);
    for (const h of recent()) {
      const option = new Option(h.reference, h.id, h.id === chosen, h.id === chosen);
      select.append(option);
    }
    const date = form.elements.date;
    if (date) date.value = today(); // the kept page may be days old
    const error = document.getElementById("offline-form-error");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.hidden = true;
      document.getElementById("offline-saved").hidden = true;
      const household = recent().find((h) => h.id === Number(select.value));
      if (!household || !form.elements.date.value) {
        error.textContent = say(household ? "enter_date" : "choose_household");
        error.hidden = false;
        (household ? form.elements.date : select).focus();
        return;
      }
      const data = new URLSearchParams(new FormData(form));
      data.delete("household");
      const id = crypto.randomUUID();
      data.set("form_token", id);
      const url = page.dataset.syncUrl.replace("/0/", `/${household.id}/`);
      const headers = { "Content-Type": "application/x-www-form-urlencoded", "X-Visit-Id": id, "X-Household-Reference": household.reference, "X-User": String(user) };
      let response;
      try {
        if (!navigator.serviceWorker.controller) {
          // Not yet under the service worker (its first page): straight to the server.
          const who = await (await fetch(body.dataset.offlineUrl + "token/", { credentials: "same-origin" })).json();
          headers["X-CSRFToken"] = who.csrf;
        }
        response = await fetch(url, { method: "POST", body: data, headers, credentials: "same-origin" });
      } catch (failure) {
        response = null;
      }
      if (!response || !response.ok) {
        const answer = response ? await response.json().catch(() => ({})) : {};
        const first = Object.values(answer.errors || {}).flat()[0];
        error.textContent = first || say("not_saved");
        error.hidden = false;
        return;
      }
      const answer = await response.json().catch(() => ({}));
      form.reset();
      form.elements.date.value = today();
      if (answer.error) {
        // Refused by the server: it waits in the list with «Rett», which brings it back as typed.
        error.textContent = `${say("not_sent")}: ${answer.error}`;
        error.hidden = false;
        render();
        return;
      }
      const saved = document.getElementById("offline-saved");
      saved.textContent = response.status === 202
        ? say("saved_queued", { reference: household.reference })
        : say("saved_sent", { reference: household.reference });
      saved.hidden = false;
      render();
    });
    document.getElementById("offline-send-now").addEventListener("click", () => ask("replay").then(render));
  }

  // The ordinary follow-up form: if the connection is lost at «Lagre», the service worker queues the
  // visit; these two fields tell it whose visit it is and to which reference (never a name).
  function markFollowUpForm() {
    const form = document.querySelector("form[data-offline-reference]");
    if (!form || !user) return;
    form.addEventListener("submit", () => {
      for (const [name, value] of [["offline_reference", form.dataset.offlineReference], ["offline_user", String(user)]]) {
        const input = form.querySelector(`input[name=${name}]`) || Object.assign(document.createElement("input"), { type: "hidden", name });
        input.value = value;
        form.append(input);
      }
    });
  }

  // Signing out with visits still waiting: say so first; they stay on the phone for this user.
  function guardLogout() {
    for (const form of document.querySelectorAll("form[data-logout]")) {
      form.addEventListener("submit", async (event) => {
        if (form.dataset.confirmed) return;
        event.preventDefault();
        const state = await ask("state");
        const waiting = state ? state.waiting.length : 0;
        if (!waiting) { form.dataset.confirmed = "1"; form.submit(); return; }
        let warning = document.getElementById("logout-warning");
        if (!warning) {
          warning = document.createElement("div");
          warning.id = "logout-warning";
          warning.className = "alert alert-warning mt-2 mb-0 text-body";
          warning.setAttribute("role", "alert");
          const text = document.createElement("p");
          text.className = "mb-2";
          text.textContent = say(waiting === 1 ? "logout_warning_one" : "logout_warning", { n: waiting });
          const button = document.createElement("button");
          button.type = "button";
          button.className = "btn btn-sm btn-danger";
          button.textContent = say("logout_anyway");
          button.addEventListener("click", () => { form.dataset.confirmed = "1"; form.submit(); });
          warning.append(text, button);
          (form.closest(".user-menu") || form).after(warning); // below the menu, the width of the phone
        }
        warning.querySelector("button").focus();
      });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "queue-changed") render();
    });
    const links = document.querySelectorAll("[data-offline-household][data-reference]");
    if (user && links.length) remember(links);
    if (!user) sessionStorage.removeItem("boveileder.offline-kept"); // signed out: keep it afresh after sign-in
    if (user && navigator.onLine && !page && body.dataset.offlineUrl && !sessionStorage.getItem("boveileder.offline-kept")) {
      ask("keep-offline-page").then((done) => done && sessionStorage.setItem("boveileder.offline-kept", "1"));
    }
    if (page) {
      setUpForm();
      showConnection();
      if (new URLSearchParams(location.search).get("queued")) {
        const saved = document.getElementById("offline-saved");
        saved.textContent = say("lost_at_save");
        saved.hidden = false;
        page.querySelector("h1").after(saved);
      }
    }
    guardLogout();
    markFollowUpForm();
    window.addEventListener("online", () => { showConnection(); ask("replay").then(render); });
    window.addEventListener("offline", showConnection);
    (navigator.onLine ? ask("replay") : Promise.resolve()).then(render);
  });
})();

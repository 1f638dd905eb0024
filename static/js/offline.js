// Logging a visit without a connection (issue 22). The service worker (/sw.js) keeps the shell and the
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
  const t = (nb, en) => (locale.startsWith("nb") ? nb : en);

  navigator.serviceWorker.register(body.dataset.serviceWorker, { scope: "/" }).catch(() => {});

  // Ask the service worker something; resolves to null when no worker answers in time.
  async function ask(type) {
    const registration = await Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(r, 3000))]);
    const worker = navigator.serviceWorker.controller || (registration && registration.active);
    if (!worker) return null;
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      const timer = setTimeout(() => resolve(null), 10000);
      channel.port1.onmessage = (event) => { clearTimeout(timer); resolve(event.data); };
      worker.postMessage({ type }, [channel.port2]);
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
  const waitingText = (n) => t(`${n} besøk venter på å bli sendt.`, n === 1 ? "1 visit waits to be sent." : `${n} visits wait to be sent.`);

  const tried = (n) => !n ? "" : n === 1 ? t(" – forsøkt sendt 1 gang", " – tried once") : t(` – forsøkt sendt ${n} ganger`, ` – tried ${n} times`);

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
          link.textContent = t("Se dem", "See them");
          banner.append(link);
        } else {
          banner.append(t("De sendes når du har logget inn.", "They are sent once you have signed in."));
        }
      }
    }
    if (!page) return;
    document.getElementById("offline-waiting-count").textContent = state.waiting.length
      ? waitingText(state.waiting.length) : t("Ingen besøk venter på å bli sendt.", "No visits wait to be sent.");
    document.getElementById("offline-waiting").replaceChildren(...state.waiting.map((w) => item(
      `${w.reference} – ${t("lagret", "saved")} ${when(w.queuedAt)}${tried(w.attempts)}${w.error ? ` – ${t("ikke sendt", "not sent")}: ${w.error}` : ""}`)));
    const sent = state.sent.map((s) => item(
      `${s.reference} – ${t("sendt", "sent")} ${when(s.sentAt)}${s.notices.length ? ` – ${s.notices.join(" ")}` : ""}`));
    document.getElementById("offline-sent").replaceChildren(...(sent.length ? sent : [item(t("Ingen ennå.", "None yet."))]));
    document.getElementById("offline-signin").hidden = !state.signInNeeded;
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
      const household = recent().find((h) => h.id === Number(select.value));
      if (!household || !form.elements.date.value) {
        error.textContent = household ? t("Skriv inn datoen.", "Enter the date.") : t("Velg husstanden.", "Choose the household.");
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
      if (!response || !(response.ok || response.status === 202)) {
        const answer = response ? await response.json().catch(() => ({})) : {};
        const first = Object.values(answer.errors || {}).flat()[0];
        error.textContent = first || t("Besøket ble ikke lagret. Prøv igjen.", "The visit was not saved. Try again.");
        error.hidden = false;
        return;
      }
      form.reset();
      form.elements.date.value = today();
      const saved = document.getElementById("offline-saved");
      saved.textContent = response.status === 202
        ? t(`Besøket hos ${household.reference} er lagret på telefonen og sendes når du er på nett.`, `The visit to ${household.reference} is saved on this phone and sent when you are online.`)
        : t(`Besøket hos ${household.reference} er lagret.`, `The visit to ${household.reference} is saved.`);
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
          text.textContent = t(`${waiting} besøk er ikke sendt ennå. De blir liggende på telefonen og sendes når du logger inn igjen.`,
            `${waiting} visits are not sent yet. They stay on this phone and are sent when you sign in again.`);
          const button = document.createElement("button");
          button.type = "button";
          button.className = "btn btn-sm btn-danger";
          button.textContent = t("Logg ut likevel", "Log out anyway");
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
        saved.textContent = t("Forbindelsen ble brutt da du trykket Lagre. Besøket er lagret på telefonen og sendes når du er på nett.",
          "The connection was lost when you pressed Save. The visit is saved on this phone and sent when you are online.");
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

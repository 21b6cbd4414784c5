// Offline quick log (DESIGN §12). Every page: registers the service worker, shows how many
// entries wait in this browser ("n à envoyer") and sends them when the network is back.
// On the quick log: a submit while offline (or whose request never got an answer) is kept
// in IndexedDB with its client token instead of being lost.
//
// Exactly once: each entry carries the form's client token and is re-sent with it until
// the server answers; the server turns a second arrival of a token into the first row
// (contributions.services.contribution_create), so a reply lost on the way back costs
// nothing. Tabs take turns through a Web Lock, entries belong to the member who typed them.
(function () {
  "use strict";
  const DB_NAME = "cb-offline";
  const STORE = "entries";
  const body = document.body;
  const member = body.dataset.member || "";

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "token" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  function withStore(mode, work) {
    return openDb().then((db) => new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => { db.close(); resolve(request ? request.result : undefined); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    }));
  }
  const allEntries = () => withStore("readonly", (s) => s.getAll())
    .then((list) => (list || []).filter((e) => e.member === member)
      .sort((a, b) => a.created.localeCompare(b.created)));
  const putEntry = (entry) => withStore("readwrite", (s) => s.put(entry));
  const deleteEntry = (token) => withStore("readwrite", (s) => s.delete(token));

  function newToken() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  function csrfToken() {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function optionText(form, name) {
    const select = form.querySelector(`select[name=${name}]`);
    return select && select.selectedOptions[0] && select.value ? select.selectedOptions[0].textContent.trim() : "";
  }

  // --- The badge, on every page -------------------------------------------------------
  async function refreshBadge() {
    const badge = document.getElementById("offline-badge");
    if (!badge || !window.indexedDB) return [];
    const entries = await allEntries();
    const waiting = entries.length;
    badge.hidden = waiting === 0;
    badge.querySelector("[data-count]").textContent = String(waiting);
    document.dispatchEvent(new CustomEvent("cb:offline-changed", { detail: entries }));
    return entries;
  }

  // --- Keeping an entry ---------------------------------------------------------------
  async function keep(form, submitter) {
    const data = new FormData(form, submitter || undefined);
    data.delete("csrfmiddlewaretoken");
    let token = data.get("client_token");
    const taken = token ? await withStore("readonly", (s) => s.get(token)) : null;
    if (!token || taken) { token = newToken(); data.set("client_token", token); }
    await putEntry({
      token, member, url: new URL(form.getAttribute("action") || window.location.href, window.location.href).href, fields: Array.from(data.entries()),
      created: new Date().toISOString(), error: "",
      summary: { date: data.get("date") || "", project: optionText(form, "project"),
        envelope: optionText(form, "envelope"), hours: data.get("hours") || "",
        description: data.get("description") || "", submit: data.get("action") === "submit" },
    });
    // The next entry gets its own token; the context (day, project, kind) stays.
    const tokenInput = form.querySelector("input[name=client_token]");
    if (tokenInput) tokenInput.value = newToken();
    ["hours", "description"].forEach((name) => {
      const field = form.querySelector(`[name=${name}]`);
      if (field) field.value = "";
    });
    const zone = document.getElementById("quick-log-zone");
    let note = document.getElementById("offline-kept");
    if (!note && zone) {
      note = document.createElement("p");
      note.id = "offline-kept";
      note.className = "flash flash-warning";
      note.setAttribute("role", "status");
      note.dataset.testid = "offline-kept";
      zone.prepend(note);
    }
    if (note) note.textContent = body.dataset.offlineKeptText || "";
    await refreshBadge();
    const hours = form.querySelector("[name=hours]");
    if (hours) hours.focus();
  }

  // Capture phase: runs before htmx's own submit handler, which never sees an offline submit.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches || !form.matches("form.quick-log")) return;
    form.cbSubmitter = event.submitter || null;
    if (navigator.onLine || !window.indexedDB) return;
    event.preventDefault();
    event.stopPropagation();
    keep(form, event.submitter);
  }, true);
  // Online but the request never got an answer: keep it too (same token: if it did arrive,
  // sending it again changes nothing).
  document.addEventListener("htmx:sendError", (event) => {
    const form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form.quick-log");
    if (form) keep(form, form.cbSubmitter);
  });

  // --- Sending ------------------------------------------------------------------------
  function errorsOf(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    return Array.from(doc.querySelectorAll(".error, .form-errors p")).map((e) => e.textContent.trim())
      .filter(Boolean).join(" ");
  }
  async function sendAll() {
    if (!navigator.onLine || !member || !window.indexedDB) return 0;
    let sent = 0;
    for (const entry of await allEntries()) {
      if (entry.error) continue;  // refused once: the member decides on the waiting page
      const data = new FormData();
      entry.fields.forEach(([key, value]) => data.append(key, value));
      data.set("csrfmiddlewaretoken", csrfToken());
      let response;
      try {
        response = await fetch(entry.url, { method: "POST", body: data, credentials: "same-origin",
          headers: { "HX-Request": "true", "X-CSRFToken": csrfToken() } });
      } catch (error) {
        break;  // still no network: try again at the next "online"
      }
      if (response.redirected || response.status === 403 || response.status >= 500) break;
      const text = await response.text();
      if (response.ok && text.includes('data-testid="quick-log-ok"')) {
        await deleteEntry(entry.token);
        sent += 1;
      } else {
        entry.error = errorsOf(text) || String(response.status);
        await putEntry(entry);
      }
    }
    return sent;
  }
  async function sync() {
    const run = () => sendAll();
    const sent = navigator.locks ? await navigator.locks.request("cb-offline-sync", run) : await run();
    await refreshBadge();
    if (sent) {
      document.dispatchEvent(new CustomEvent("cb:offline-sent", { detail: { sent } }));
      const recent = document.querySelector("#quick-log-zone section.recent");
      if (recent) {
        // Show the rows that just arrived, without touching the form being typed in.
        const page = await fetch(window.location.href, { credentials: "same-origin" });
        const fresh = new DOMParser().parseFromString(await page.text(), "text/html")
          .querySelector("#quick-log-zone section.recent");
        if (fresh) recent.replaceWith(fresh);
      }
      const note = document.getElementById("offline-kept");
      if (note) { note.className = "flash flash-success"; note.textContent = (body.dataset.offlineSentText || "").replace("%n", sent); }
    }
  }

  // --- The waiting page ----------------------------------------------------------------
  function renderQueue(entries) {
    const table = document.getElementById("offline-queue");
    if (!table) return;
    const rows = table.querySelector("tbody");
    rows.replaceChildren();
    entries.forEach((entry) => {
      const tr = document.createElement("tr");
      tr.dataset.testid = "offline-entry";
      const s = entry.summary || {};
      const date = s.date ? new Date(s.date + "T12:00:00").toLocaleDateString("fr-FR", { day: "numeric", month: "short", year: "numeric" }) : "";
      const state = entry.error ? (table.dataset.refused + " : " + entry.error) : table.dataset.waiting;
      [[table.dataset.hDate, date], [table.dataset.hProject, [s.project, s.envelope].filter(Boolean).join(" · ")],
       [table.dataset.hHours, s.hours], [table.dataset.hDescription, s.description], [table.dataset.hState, state]]
        .forEach(([label, text]) => {
          const td = document.createElement("td");
          td.dataset.label = label;
          td.textContent = text;
          if (label === table.dataset.hState && entry.error) td.className = "error";
          tr.appendChild(td);
        });
      const td = document.createElement("td");
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary outline";
      remove.textContent = table.dataset.remove;
      remove.addEventListener("click", async () => {
        if (window.confirm(table.dataset.confirm)) { await deleteEntry(entry.token); await refreshBadge(); }
      });
      td.appendChild(remove);
      tr.appendChild(td);
      rows.appendChild(tr);
    });
    table.hidden = entries.length === 0;
    const empty = document.getElementById("offline-empty");
    if (empty) empty.hidden = entries.length !== 0;
  }
  document.addEventListener("cb:offline-changed", (event) => renderQueue(event.detail));
  document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("offline-send");
    if (button) button.addEventListener("click", () => sync());
  });

  window.cbOffline = { allEntries, deleteEntry, putEntry, sync, refreshBadge };
  window.addEventListener("online", () => { sync(); });
  document.addEventListener("DOMContentLoaded", () => {
    // A page opened from the service worker's cache carries the token it had when cached:
    // every page load starts the form with a token of its own, so two entries never share one.
    document.querySelectorAll("form.quick-log input[name=client_token]").forEach((input) => {
      input.value = newToken();
    });
    refreshBadge().then(() => sync());
    document.querySelectorAll("[data-forget-offline]").forEach((link) => {
      link.addEventListener("click", () => {
        if (navigator.serviceWorker && navigator.serviceWorker.controller) {
          navigator.serviceWorker.controller.postMessage("forget-pages");
        }
        sessionStorage.removeItem("cb-pages-cached");
      });
    });
  });
  if ("serviceWorker" in navigator && window.isSecureContext && body.dataset.sw) {
    navigator.serviceWorker.register(body.dataset.sw, { scope: "/" }).catch(() => {});
    if (navigator.onLine && !sessionStorage.getItem("cb-pages-cached")) {
      navigator.serviceWorker.ready.then((registration) => {
        registration.active.postMessage("cache-pages");
        sessionStorage.setItem("cb-pages-cached", "1");
      });
    }
  }
})();

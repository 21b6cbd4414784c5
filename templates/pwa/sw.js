// Service worker of Budget contributif (rendered by contribbudget/pwa.py).
// - Static files (the app shell): cache first, precached at install.
// - The quick log and the "waiting" page: network first, the last good copy when offline,
//   so a member can open the app on a site with no signal and log hours (kept in
//   IndexedDB by js/offline.js, sent when the network is back).
// - Everything else goes to the network; offline, a page falls back to the "waiting" page.
// POST requests are never touched: sending is the page's job, once per client token.
"use strict";
const VERSION = "{{ version }}";
const SHELL = "cb-shell-" + VERSION;
const PAGES = "cb-pages-" + VERSION;
const SHELL_URLS = {{ shell|safe }};
const PAGE_URLS = {{ pages|safe }};
const OFFLINE_PAGE = {{ offline_page|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_URLS))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => k.startsWith("cb-") && k !== SHELL && k !== PAGES)
      .map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});

async function cachePages() {
  // Asked by a signed-in page once per session: keep the quick log and the waiting page
  // ready for a visit without network. A redirect (signed out) is never kept.
  const cache = await caches.open(PAGES);
  await Promise.all(PAGE_URLS.map(async (path) => {
    try {
      const response = await fetch(path, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await cache.put(path, response);
    } catch (error) { /* offline: keep what we had */ }
  }));
}

self.addEventListener("message", (event) => {
  if (event.data === "cache-pages") event.waitUntil(cachePages());
  // Sent by the page at sign-out: no copy of a member's page outlives their session.
  if (event.data === "forget-pages") event.waitUntil(caches.delete(PAGES));
});

function isCachedPage(url) {
  return url.origin === self.location.origin && PAGE_URLS.includes(url.pathname);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SHELL_URLS.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode !== "navigate") return;
  event.respondWith((async () => {
    try {
      const response = await fetch(request);
      if (isCachedPage(url) && response.ok && !response.redirected) {
        const cache = await caches.open(PAGES);
        await cache.put(url.pathname, response.clone());
      }
      return response;
    } catch (error) {
      const cache = await caches.open(PAGES);
      return (await cache.match(isCachedPage(url) ? url.pathname : OFFLINE_PAGE))
        || (await cache.match(OFFLINE_PAGE))
        || new Response("Hors ligne.", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
  })());
});

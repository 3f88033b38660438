// twitchlearn (tools/static/cache-first.js): later loads of the static edition come from the
// browser's Cache Storage, not the network. build.py puts this in front of JupyterLite's own
// service-worker.js (which must stay: the kernel reaches the browser's drive through it) and
// writes the build's id into TL_BUILD.
//
// - Cache-first, one cache per build ("twitchlearn-<build id>"): every file of the site that a
//   page asks for (Pyodide, the wheels, the lab extensions, the app's JS, the pages) is kept
//   the first time it passes and served from the cache after that.
// - A new build never mixes with an old one: each page load (and each start of this worker)
//   first asks the server for twitchlearn-build.txt (a few bytes, never cached). If it names
//   another build, this worker's cache is deleted, everything is fetched from the network,
//   and the new worker (its script differs, so the browser installs it) deletes every older
//   twitchlearn cache when it starts. With no network (the server is gone), the cached build
//   is served.
// - Never the learner's answers: they are on JupyterLite's drive (IndexedDB), reached through
//   the api/ paths, and nothing under api/ is cached or even looked at here.
"use strict";
const TL_BUILD = "__TWITCHLEARN_BUILD__";
const TL_PREFIX = "twitchlearn-";
const TL_CACHE = TL_PREFIX + TL_BUILD;
const TL_ROOT = new URL("./", self.location.href);
const TL_BUILD_FILE = new URL("twitchlearn-build.txt", TL_ROOT).href;
let tlStale = false; // the server has another build: pass everything to the network

function tlCacheable(request) {
  if (request.method !== "GET" || request.headers.has("range")) return false;
  const url = new URL(request.url);
  if (url.origin !== TL_ROOT.origin || !url.pathname.startsWith(TL_ROOT.pathname)) return false;
  const path = url.pathname.slice(TL_ROOT.pathname.length);
  return !(
    path.startsWith("api/") ||
    path.includes("/api/") ||
    path === "service-worker.js" ||
    url.href.split("?")[0] === TL_BUILD_FILE
  );
}

async function tlCheckBuild() {
  let served;
  try {
    const response = await fetch(TL_BUILD_FILE, { cache: "no-store" });
    if (!response.ok) return;
    served = (await response.text()).trim();
  } catch (error) {
    return; // no network: keep serving the cached build
  }
  if (served !== TL_BUILD) {
    tlStale = true;
    await caches.delete(TL_CACHE);
    self.registration.update().catch(() => undefined);
  }
}

// The browser stops an idle worker and starts it again for the next request, with its
// variables new: a worker that had found its build stale forgot it and filled its build's
// cache again with whatever the network gave (seen 2026-12-02: tlStale false in the old
// worker after a navigation had set it, and its cache back). So each start checks too. It is
// not awaited before answering: a learner offline or on a slow line is not kept waiting; only
// storing a copy waits for it.
const tlStarted = tlCheckBuild();

// The network, asked again: the browser's own HTTP cache may still hold the old build's copy
// of a file (for a host's max-age, or for a tenth of the file's age from its Last-Modified),
// and what is stored here is kept for the whole build. A file that has not changed costs a
// 304.
function tlFromNetwork(request) {
  return fetch(request, { cache: "no-cache" });
}

async function tlRespond(event) {
  const { request } = event;
  if (request.mode === "navigate") await tlCheckBuild();
  if (tlStale) return tlFromNetwork(request);
  const cache = await caches.open(TL_CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await tlFromNetwork(request);
  if (response.ok && response.status === 200 && response.type === "basic" && !tlStale) {
    const copy = response.clone();
    event.waitUntil(tlStarted.then(() => (tlStale ? undefined : cache.put(request, copy))));
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  if (!tlCacheable(event.request)) return; // JupyterLite's own handler below takes it
  event.respondWith(tlRespond(event));
  event.stopImmediatePropagation();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((n) => n.startsWith(TL_PREFIX) && n !== TL_CACHE)
            .map((n) => caches.delete(n)),
        ),
      ),
  );
});
// -- JupyterLite's service-worker.js follows --------------------------------------------------

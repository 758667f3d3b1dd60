// Beacon's service worker: keeps the app's static files (code, styles, icons, the offline page) so the
// installed app starts and its scripts load without a signal. It never stores a response that carries
// personal data: callbacks, layouts, API answers and pages are always fetched from the server.
"use strict";

var CACHE = "beacon-shell-v1";
var SHELL = ["/offline.html", "/manifest.webmanifest", "/icons/beacon-192.png", "/icons/beacon-512.png",
             "/vendor/css/bootstrap.min.css", "/vendor/css/font/bootstrap-icons.min.css", "/assets/beacon.css"];
// Static files only: Dash's component code, Beacon's assets, the vendored styles and fonts, the icons.
var STATIC = /^\/(_dash-component-suites|assets|vendor|icons)\/|^\/manifest\.webmanifest$|^\/offline\.html$/;

function warm() {
    return caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); });
}

self.addEventListener("install", function (event) {
    event.waitUntil(warm().then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
    event.waitUntil(caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) {
            return caches.delete(k);
        }));
    }).then(function () { return self.clients.claim(); }));
});

// The signed-in page asks for the shell again after a sign-out emptied the cache.
self.addEventListener("message", function (event) {
    if (event.data === "warm") {
        event.waitUntil(warm());
    }
});

function fromSignedInPage(request) {
    // Files a sign-in or sign-out page asks for are not kept: sign-out empties the cache and the sign-in
    // page that follows must not fill it again (its referrer is its own address, same origin only).
    try {
        var path = new URL(request.referrer).pathname;
        return path !== "/login" && path !== "/logout";
    } catch (e) {
        return false;
    }
}

self.addEventListener("fetch", function (event) {
    var request = event.request;
    var url = new URL(request.url);
    if (request.method !== "GET" || url.origin !== self.location.origin) {
        return;
    }
    if (request.mode === "navigate") {
        // Pages come from the server; without a signal, the offline page says what still works.
        event.respondWith(fetch(request).catch(function () {
            return caches.match("/offline.html");
        }));
        return;
    }
    if (!STATIC.test(url.pathname)) {
        return;  // anything else may be personal: the browser fetches it as if no worker were here
    }
    // Network first, so a new release is picked up; the kept copy answers only when the fetch fails.
    event.respondWith(fetch(request).then(function (response) {
        if (response.ok && fromSignedInPage(request)) {
            var copy = response.clone();
            event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(request, copy); }));
        }
        return response;
    }).catch(function () {
        return caches.match(request).then(function (hit) {
            return hit || new Response("", {status: 504, statusText: "offline"});
        });
    }));
});

// Loaded by the sign-in page, which every sign-out and every ended session leads to: nothing personal
// stays on the device. Removes completions still queued (saying how many, so none is lost silently),
// any answers not yet read, Beacon's storage and every cache, and the service worker's registration.
(function () {
    "use strict";
    var QUEUE = "beacon.offline.v1";
    var unsent = 0;
    try {
        var saved = JSON.parse(window.localStorage.getItem(QUEUE) || "null");
        unsent = saved && Array.isArray(saved.pending) ? saved.pending.length : 0;
    } catch (e) {
        unsent = 0;
    }
    try {
        window.localStorage.clear();
        window.sessionStorage.clear();
    } catch (e) {
        // Storage disabled by the browser: nothing was kept there.
    }
    if (window.caches) {
        window.caches.keys().then(function (keys) {
            return Promise.all(keys.map(function (k) { return window.caches.delete(k); }));
        }).then(function () {
            document.documentElement.setAttribute("data-device-cleared", "true");
        });
    } else {
        document.documentElement.setAttribute("data-device-cleared", "true");
    }
    if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
        // The next signed-in page registers it again.
        navigator.serviceWorker.getRegistrations().then(function (regs) {
            regs.forEach(function (r) { r.unregister(); });
        });
    }
    if (unsent > 0) {
        document.addEventListener("DOMContentLoaded", function () {
            var card = document.querySelector(".login-card .card-body");
            if (!card) {
                return;
            }
            var note = document.createElement("div");
            note.className = "alert alert-warning";
            note.id = "unsent-notice";
            note.setAttribute("role", "alert");
            note.textContent = unsent + " completion" + (unsent === 1 ? " was" : "s were") + " made without a " +
                "signal and not sent before the session ended. " + (unsent === 1 ? "It has" : "They have") +
                " been removed from this device: sign in and record " + (unsent === 1 ? "it" : "them") + " again.";
            card.insertBefore(note, card.querySelector("form"));
        });
    }
})();

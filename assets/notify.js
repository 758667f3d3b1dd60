// Browser notifications of the reader's own tasks turning overdue, while Beacon is open.
// The server writes the reader's overdue tasks (task id, crime reference, kind; no names) as JSON into the
// hidden #notify-red element with each bell refresh. Permission is asked only when the person presses
// "Turn on browser notifications" under My settings. Each task is notified once: the ids already seen are
// kept in localStorage, which sign-out clears. The tasks already overdue when the page first loads are
// taken as known (the bell shows them), so only those turning overdue while Beacon is open are announced.
(function () {
    "use strict";
    if (window.beaconNotify) {
        return;
    }
    window.beaconNotify = true;
    var KEY = "beacon-notified";
    var lastText = null;

    function supported() {
        return "Notification" in window;
    }

    function load() {
        try {
            var value = JSON.parse(window.localStorage.getItem(KEY));
            return value && Array.isArray(value.keys) ? value.keys : null;
        } catch (e) {
            return null;
        }
    }

    function save(keys) {
        try {
            window.localStorage.setItem(KEY, JSON.stringify({keys: keys}));
        } catch (e) {
            // Private browsing without storage: notifications still work, but may repeat after a reload.
        }
    }

    function showState() {
        var state = document.getElementById("notify-state");
        var button = document.getElementById("notify-enable");
        if (!state || !button) {
            return;
        }
        var words;
        if (!supported()) {
            words = "This browser cannot show notifications.";
        } else if (Notification.permission === "granted") {
            words = "Notifications are on in this browser.";
        } else if (Notification.permission === "denied") {
            words = "Notifications are blocked for Beacon in this browser's site settings.";
        } else {
            words = "Notifications are off in this browser.";
        }
        if (state.textContent !== words) {
            state.textContent = words;
        }
        var disable = !supported() || Notification.permission !== "default";
        if (button.disabled !== disable) {
            button.disabled = disable;
        }
    }

    function announce(fresh) {
        if (fresh.length > 3) {
            // A burst (a reload of the force's records) is one notification, not a screenful.
            new Notification("Beacon: " + fresh.length + " of your tasks are now overdue", {
                body: fresh.slice(0, 3).map(function (t) { return t.ref; }).join(", ") + " and others",
                tag: "beacon-red-batch"
            });
            return;
        }
        fresh.forEach(function (t) {
            new Notification("Beacon: a task is now overdue", {
                body: t.ref + ": " + t.kind,
                tag: "beacon-red-" + t.key
            });
        });
    }

    function check() {
        var holder = document.getElementById("notify-red");
        if (!holder || !holder.textContent || holder.textContent === lastText) {
            return;
        }
        lastText = holder.textContent;
        var red;
        try {
            red = JSON.parse(holder.textContent);
        } catch (e) {
            return;
        }
        if (!Array.isArray(red)) {
            return;
        }
        var keys = red.map(function (t) { return String(t.key); });
        var known = load();
        if (known === null || !supported() || Notification.permission !== "granted") {
            save(keys);
            return;
        }
        var seen = {};
        known.forEach(function (k) { seen[k] = true; });
        var fresh = red.filter(function (t) { return !seen[String(t.key)]; });
        // Only tasks still overdue are kept: a finished task's id never comes back.
        save(keys);
        if (fresh.length) {
            announce(fresh);
        }
    }

    document.addEventListener("click", function (event) {
        var button = event.target.closest ? event.target.closest("#notify-enable") : null;
        if (!button || !supported()) {
            return;
        }
        Notification.requestPermission().then(showState);
    });

    document.addEventListener("submit", function (event) {
        var form = event.target;
        if (form && form.getAttribute && form.getAttribute("action") === "/logout") {
            window.localStorage.removeItem(KEY);
        }
    }, true);

    var observer = new MutationObserver(function () {
        check();
        showState();
    });
    function start() {
        observer.observe(document.body, {childList: true, subtree: true, characterData: true});
        check();
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();

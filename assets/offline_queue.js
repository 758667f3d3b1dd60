/*
 * Completing tasks without a signal.
 *
 * With a connection, a completion button works as always (a Dash callback). Without one (the browser
 * says it is offline, or the callback's request fails on the network), the completion is kept on this
 * device with a fresh idempotency key and shown as "waiting to send". When the connection returns, each
 * is sent to POST /api/completions with its key: the server records it once however often it arrives,
 * and answers "recorded", or a conflict (completed or changed meanwhile), which stays on screen until the
 * officer dismisses it. Nothing is dropped silently; docs/device-data.md says what is kept and for how long.
 *
 * Also registers the service worker (/sw.js) that keeps the app's static files for the installed app.
 */
(function () {
    "use strict";
    if (window.beaconOfflineQueue || !window.localStorage || !document.getElementById) {
        return;
    }
    var STORE = "beacon.offline.v1";  // device-clear.js, run by the sign-in page, removes it
    var RETRY_MS = 20000;
    var originalFetch = window.fetch.bind(window);
    var sending = false;
    var ended = false;  // the session ended: nothing more is sent from this page
    var signOutConfirmed = false;
    var warning = "";

    function load() {
        try {
            var saved = JSON.parse(window.localStorage.getItem(STORE) || "null");
            if (saved && Array.isArray(saved.pending) && Array.isArray(saved.results)) {
                return saved;
            }
        } catch (e) {
            // A damaged entry is replaced below.
        }
        return {pending: [], results: []};
    }

    function save(state) {
        window.localStorage.setItem(STORE, JSON.stringify(state));
        render();
    }

    function newKey() {
        if (window.crypto && window.crypto.randomUUID) {
            return window.crypto.randomUUID();
        }
        var b = window.crypto.getRandomValues(new Uint8Array(16));
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
        return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
    }

    function buttonId(button) {
        try {
            var id = JSON.parse(button.id);
            return id && id.type === "task-action" ? id : null;
        } catch (e) {
            return null;
        }
    }

    // Keep the completion a task button stands for; true when it is (now or already) waiting to send.
    function queue(button) {
        var id = buttonId(button);
        var row = button.closest(".task-item");
        if (!id || !row) {
            return false;
        }
        var state = load();
        if (state.pending.some(function (p) { return p.task === id.task; })) {
            warning = "That task already has a completion waiting to send.";
            render();
            return true;
        }
        var ref = document.getElementById("record-ref");
        var title = row.querySelector("strong");
        state.pending.push({
            key: newKey(), task: id.task, action: id.action, seen: row.getAttribute("data-version") || "",
            crime_ref: ref ? ref.textContent : "", task_label: title ? title.textContent : "",
            action_label: button.textContent, made_at: new Date().toISOString()
        });
        warning = "";
        save(state);
        return true;
    }

    function csrfToken() {
        var input = document.getElementById("logout-csrf");
        return input ? input.value : "";
    }

    function describe(p) {
        return (p.crime_ref ? p.crime_ref + " · " : "") + p.task_label + ": " + p.action_label;
    }

    function refreshPage() {
        // The worklist, badges, bell and open record are redrawn by the Daily Actions callback.
        // (a dcc.Store draws nothing, so its presence cannot be checked in the page; set_props ignores an
        // id the layout lacks).
        if (window.dash_clientside && window.dash_clientside.set_props) {
            window.dash_clientside.set_props("da-synced", {data: Date.now()});
        }
    }

    function sessionEnded(state) {
        ended = true;
        // The sign-in page removes what is left and says how many were not sent.
        var list = state.pending.map(describe).join("; ");
        warning = "Your session ended before " + state.pending.length + " completion" +
            (state.pending.length === 1 ? " was" : "s were") + " sent: " + list +
            ". Sign in again and record " + (state.pending.length === 1 ? "it" : "them") + " again.";
        render();
        window.setTimeout(function () {
            window.location.assign("/login?expired=1");
        }, 4000);
    }

    // Send every waiting completion, one at a time, oldest first; stop at the first network failure.
    function flush() {
        if (sending || ended || !navigator.onLine || !load().pending.length) {
            return Promise.resolve();
        }
        sending = true;
        var answered = 0;

        function next() {
            var state = load();
            var p = state.pending[0];
            if (!p) {
                return Promise.resolve();
            }
            return originalFetch("/api/completions", {
                method: "POST", credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-Beacon-CSRF": csrfToken()},
                body: JSON.stringify({key: p.key, task: p.task, action: p.action, seen: p.seen, made_at: p.made_at})
            }).then(function (response) {
                if (response.status === 401) {
                    sessionEnded(state);
                    return null;
                }
                if (response.status >= 500) {
                    return null;  // kept: tried again later
                }
                return response.json().catch(function () { return {}; }).then(function (body) {
                    var kind = response.status === 200 ? "recorded"
                        : response.status === 409 ? (body.by_you ? "recorded" : "conflict") : "refused";
                    var text = body.message || (describe(p) + (response.status === 403
                        ? ": not recorded. The server refused it: you may not complete this task now."
                        : ": not recorded. The server could not accept it (" + (body.error || response.status) + ")."));
                    var now = load();
                    now.pending = now.pending.filter(function (q) { return q.key !== p.key; });
                    // Another tab of Beacon may have sent the same key and shown its answer already.
                    if (!now.results.some(function (r) { return r.key === p.key; })) {
                        now.results.push({key: p.key, kind: kind, text: text});
                    }
                    save(now);
                    answered += 1;
                    return next();
                });
            });
        }

        return next().catch(function () {
            // The network failed mid-way: what is left stays queued for the next try.
        }).then(function () {
            sending = false;
            if (answered) {
                refreshPage();
            }
        });
    }

    // ---------------------------------------------------------------- what the officer sees

    function el(tag, cls, text) {
        var e = document.createElement(tag);
        if (cls) {
            e.className = cls;
        }
        if (text) {
            e.textContent = text;
        }
        return e;
    }

    function markRows(state) {
        var waiting = {};
        state.pending.forEach(function (p) { waiting[p.task] = true; });
        document.querySelectorAll(".task-item").forEach(function (row) {
            var id;
            try {
                id = JSON.parse(row.id).task;
            } catch (e) {
                return;
            }
            var mark = row.querySelector(":scope > .task-waiting");
            if (waiting[id] && !mark) {
                row.classList.add("task-queued");
                row.appendChild(el("div", "task-waiting small fw-semibold", "Waiting to send"));
            } else if (!waiting[id] && mark) {
                row.classList.remove("task-queued");
                mark.remove();
            }
        });
    }

    function render() {
        var state = load();
        var panel = document.getElementById("offline-panel");
        var needed = state.pending.length || state.results.length || warning || !navigator.onLine;
        if (!needed) {
            if (panel) {
                panel.remove();
            }
            markRows(state);
            return;
        }
        if (!panel) {
            // Outside Dash's tree, so no re-render removes it.
            panel = el("section", "offline-panel shadow");
            panel.id = "offline-panel";
            panel.setAttribute("aria-label", "Completions made without a signal");
            document.body.appendChild(panel);
        }
        panel.textContent = "";
        var live = el("div", "offline-live");
        live.setAttribute("role", "status");
        panel.appendChild(live);
        if (!navigator.onLine) {
            live.appendChild(el("div", "offline-state fw-semibold", "No signal. Completions are kept on this tablet " +
                "and sent when the connection returns."));
        }
        if (state.pending.length) {
            live.appendChild(el("div", "fw-semibold", "Waiting to send: ")).appendChild(
                el("span", "badge text-bg-warning", String(state.pending.length))).id = "offline-count";
            var list = el("ul", "offline-pending list-unstyled mb-1");
            state.pending.forEach(function (p) {
                var at = new Date(p.made_at);
                var when = isNaN(at) ? "" : "pressed " + at.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"}) + ", ";
                list.appendChild(el("li", "offline-item", describe(p) + " (" + when + "waiting to send)"));
            });
            live.appendChild(list);
        }
        if (warning) {
            var w = el("div", "offline-warning alert alert-warning py-2 mb-1", warning);
            w.setAttribute("role", "alert");
            panel.appendChild(w);
        }
        if (state.results.length) {
            var answers = el("ul", "offline-results list-unstyled mb-1");
            state.results.forEach(function (r) {
                var item = el("li", "offline-result offline-" + r.kind, r.text);
                item.setAttribute("data-kind", r.kind);
                answers.appendChild(item);
            });
            live.appendChild(answers);
            var dismiss = el("button", "btn btn-outline-secondary offline-dismiss", "Dismiss");
            dismiss.type = "button";
            dismiss.id = "offline-dismiss";
            dismiss.addEventListener("click", function () {
                var now = load();
                now.results = [];
                warning = "";
                save(now);
            });
            panel.appendChild(dismiss);
        }
        markRows(state);
    }

    // ---------------------------------------------------------------- taking the completion over

    // Capturing on the document runs before Dash's own handler, so an offline press never reaches Dash.
    document.addEventListener("click", function (event) {
        var button = event.target && event.target.closest && event.target.closest(".task-button");
        if (!button || navigator.onLine) {
            return;
        }
        if (queue(button)) {
            event.stopPropagation();
            event.preventDefault();
        }
    }, true);

    // Online by the browser's account but the request failed on the way (a dead spot on a live network):
    // the completion the callback carried is queued as if pressed offline. If the server did record it,
    // the queued send is answered "already completed by you", which is shown as recorded.
    window.fetch = function (input, init) {
        var result = originalFetch(input, init);
        var url = typeof input === "string" ? input : (input && input.url) || "";
        if (url.indexOf("/_dash-update-component") === -1 || !init || typeof init.body !== "string" ||
                init.body.indexOf("task-action") === -1) {
            return result;
        }
        return result.catch(function (error) {
            try {
                var changed = JSON.parse(init.body).changedPropIds || [];
                changed.forEach(function (prop) {
                    var idText = prop.slice(0, prop.lastIndexOf("."));
                    var button = document.getElementById(idText);
                    if (button && buttonId(button)) {
                        queue(button);
                    }
                });
            } catch (e) {
                // Not a completion after all.
            }
            throw error;
        });
    };

    // ---------------------------------------------------------------- sign-out

    // Signing out removes everything Beacon keeps on the device; a completion not yet sent is not
    // thrown away without the officer being told and pressing Sign out a second time.
    document.addEventListener("submit", function (event) {
        var form = event.target;
        if (!form || !/\/logout$/.test(form.getAttribute("action") || "")) {
            return;
        }
        var state = load();
        if (state.pending.length && !signOutConfirmed) {
            event.preventDefault();
            signOutConfirmed = true;
            warning = state.pending.length + " completion" + (state.pending.length === 1 ? " is" : "s are") +
                " still waiting to send and will be lost if you sign out now. Stay signed in until " +
                (state.pending.length === 1 ? "it is" : "they are") + " sent, or press Sign out again to discard " +
                (state.pending.length === 1 ? "it" : "them") + ".";
            render();
            flush();
            return;
        }
        window.localStorage.removeItem(STORE);
        if (window.caches) {
            window.caches.keys().then(function (keys) {
                keys.forEach(function (k) { window.caches.delete(k); });
            });
        }
    }, true);

    // ---------------------------------------------------------------- start

    window.addEventListener("online", function () {
        render();
        flush();
    });
    window.addEventListener("offline", render);
    window.setInterval(flush, RETRY_MS);
    new MutationObserver(function () {
        if (load().pending.length) {
            markRows(load());
        }
    }).observe(document.documentElement, {childList: true, subtree: true});

    if (navigator.serviceWorker && window.isSecureContext) {
        navigator.serviceWorker.register("/sw.js", {scope: "/"}).then(function (reg) {
            if (reg.active) {
                reg.active.postMessage("warm");
            }
        }).catch(function () {
            // No worker: the page still works online, and queued completions still wait in storage.
        });
    }
    window.beaconOfflineQueue = {flush: flush, pending: function () { return load().pending; }};
    document.addEventListener("DOMContentLoaded", function () {
        render();
        flush();
    });
    if (document.readyState !== "loading") {
        render();
        flush();
    }
})();

// When the server answers a callback with 401 (the session ended: signed out elsewhere, idle, or past
// its lifetime), say so and go to the sign-in page, instead of leaving a page that silently stops updating.
(function () {
    "use strict";
    if (!window.fetch || window.beaconSessionWatch) {
        return;
    }
    window.beaconSessionWatch = true;
    var originalFetch = window.fetch.bind(window);
    var ending = false;

    function showSignedOut() {
        if (ending) {
            return;
        }
        ending = true;
        try {
            // The record of overdue tasks already notified (assets/notify.js) ends with the session.
            window.localStorage.removeItem("beacon-notified");
        } catch (e) {
            // No storage: nothing to clear.
        }
        var banner = document.createElement("div");
        banner.id = "session-ended";
        banner.className = "alert alert-warning session-ended shadow";
        banner.setAttribute("role", "alert");
        banner.textContent = "You have been signed out. Taking you to the sign-in page...";
        document.body.appendChild(banner);
        var next = window.location.pathname + window.location.search;
        window.setTimeout(function () {
            window.location.assign("/login?expired=1&next=" + encodeURIComponent(next));
        }, 1500);
    }

    window.fetch = function (input, init) {
        return originalFetch(input, init).then(function (response) {
            var url = typeof input === "string" ? input : (input && input.url) || "";
            if (response.status === 401 && url.indexOf("/_dash-") !== -1) {
                showSignedOut();
            }
            return response;
        });
    };
})();

// The packs' "Print or save as PDF" button: a listener, not an inline onclick, which the
// Content-Security-Policy forbids. Loaded by the pack pages (and harmlessly by the Dash app).
document.addEventListener("click", function (event) {
    "use strict";
    if (event.target && event.target.closest && event.target.closest("[data-print]")) {
        window.print();
    }
});

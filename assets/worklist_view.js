// Daily Actions in the browser: a chosen badge shows as pressed, and the filtered list scrolls into view.
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.beacon = Object.assign(window.dash_clientside.beacon || {}, {
  showFilteredList: function (chosen) {
    var kind = chosen && chosen.kind ? chosen.kind : null;
    document.querySelectorAll(".notification-badge").forEach(function (badge) {
      var id = {};
      try { id = JSON.parse(badge.id); } catch (e) { /* not a pattern-matching id */ }
      var on = kind !== null && id.kind === kind;
      badge.classList.toggle("is-selected", on);
      badge.setAttribute("aria-pressed", on ? "true" : "false");
    });
    var section = document.getElementById("da-grid-section");
    if (chosen && section && section.scrollIntoView) {
      section.scrollIntoView({block: "start"});
    }
    return window.dash_clientside.no_update;
  }
});

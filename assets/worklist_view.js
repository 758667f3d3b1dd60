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

// The crime references of the worklist in the order the grid shows them (its sort and filter applied).
function shownRefs() {
  var refs = [];
  var api = window.dash_ag_grid && window.dash_ag_grid.getApi ? window.dash_ag_grid.getApi("da-grid") : null;
  if (api) {
    api.forEachNodeAfterFilterAndSort(function (node) { if (node.data) { refs.push(node.data.crime_ref); } });
  }
  return refs;
}

window.dash_clientside.beacon.stepRecord = function (_prev, _next, current) {
  var trig = (window.dash_clientside.callback_context.triggered || [])[0];
  var refs = shownRefs();
  var at = refs.indexOf(current);
  if (!trig || !trig.value || at < 0) {
    return window.dash_clientside.no_update;
  }
  var step = trig.prop_id.indexOf("da-prev.") === 0 ? -1 : 1;
  var next = refs[at + step];
  return next === undefined ? window.dash_clientside.no_update : next;
};

window.dash_clientside.beacon.recordPosition = function (current) {
  var refs = shownRefs();
  var at = refs.indexOf(current);
  return at < 0 ? "" : (at + 1).toLocaleString("en-GB") + " of " + refs.length.toLocaleString("en-GB") + " in the list";
};

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

// The worklist grids page from the server (infinite row model): they hold only the blocks they have fetched.
function worklistApi(id) {
  try {
    return window.dash_ag_grid && window.dash_ag_grid.getApi ? window.dash_ag_grid.getApi(id || "da-grid") : null;
  } catch (e) {
    return null;  // not mounted yet: it asks for its rows itself once it is
  }
}

function rowIndexOf(api, ref) {
  var node = ref ? api.getRowNode(ref) : null;
  return node && node.rowIndex !== null && node.rowIndex !== undefined ? node.rowIndex : -1;
}

// Shows the grid's page holding a row, so the list behind the record panel follows previous and next.
function showRow(api, index) {
  if (api.paginationGetPageSize && api.paginationGetTotalPages && api.paginationGetTotalPages() > 0) {
    var page = Math.floor(index / api.paginationGetPageSize());
    if (page !== api.paginationGetCurrentPage()) {
      api.paginationGoToPage(page);
    }
  }
  api.ensureIndexVisible(index);
}

// A scope change or a completion changed the rows: the grids ask the server again.
window.dash_clientside.beacon.refreshGrid = function (stamp) {
  if (!stamp) {
    return window.dash_clientside.no_update;
  }
  if (window.beaconGridScope === undefined) {
    // The page's first drawing: the grids asked for the default scope's rows themselves as they mounted.
    window.beaconGridScope = stamp.scope;
    return stamp.at;
  }
  var newScope = window.beaconGridScope !== stamp.scope;
  ["da-grid", "da-officers"].forEach(function (id) {
    var api = worklistApi(id);
    // A hidden officers grid (an officer's own list) would fetch a block no one sees.
    if (api && (id !== "da-officers" || stamp.officers)) {
      if (newScope) {
        // A new scope starts at its first page, whatever page the last one was on.
        api.purgeInfiniteCache();
        api.paginationGoToFirstPage();
        api.ensureIndexVisible(0);
      } else {
        api.refreshInfiniteCache();
      }
    }
  });
  window.beaconGridScope = stamp.scope;
  return stamp.at;
};

window.dash_clientside.beacon.stepRecord = function (_prev, _next, current) {
  var trig = (window.dash_clientside.callback_context.triggered || [])[0];
  var api = worklistApi();
  var at = api ? rowIndexOf(api, current) : -1;
  if (!trig || !trig.value || at < 0) {
    return window.dash_clientside.no_update;
  }
  var target = at + (trig.prop_id.indexOf("da-prev.") === 0 ? -1 : 1);
  if (target < 0 || target >= api.getDisplayedRowCount()) {
    return window.dash_clientside.no_update;
  }
  showRow(api, target);
  var node = api.getDisplayedRowAtIndex(target);
  if (node && node.data) {
    return node.data.crime_ref;
  }
  // The row's block is still on its way from the server: answer once it has arrived.
  return new Promise(function (resolve) {
    var tries = 0;
    var wait = setInterval(function () {
      var loaded = api.getDisplayedRowAtIndex(target);
      tries += 1;
      if ((loaded && loaded.data) || tries > 100) {
        clearInterval(wait);
        resolve(loaded && loaded.data ? loaded.data.crime_ref : window.dash_clientside.no_update);
      }
    }, 50);
  });
};

window.dash_clientside.beacon.recordPosition = function (current) {
  var api = worklistApi();
  var at = api ? rowIndexOf(api, current) : -1;
  return at < 0 ? "" : (at + 1).toLocaleString("en-GB") + " of " +
    api.getDisplayedRowCount().toLocaleString("en-GB") + " in the list";
};

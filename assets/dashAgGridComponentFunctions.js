// Cell renderers for dash-ag-grid. The Open button exists because double-click is unreliable on touch screens.
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.OpenButton = function (props) {
  // The label names the row: a crime reference on the worklist, a person's name on other grids.
  if (!props.data) {
    return null;  // a row still on its way from the server
  }
  var ref = props.data.crime_ref || props.data.name || "";
  return React.createElement(
    "button",
    {
      type: "button",
      className: "btn btn-sm btn-primary grid-open-button",
      "aria-label": "Open " + ref,
      onClick: function () {
        props.setData({ ref: ref, at: Date.now() });
      },
    },
    "Open"
  );
};

// An empty grid says why in words. dash-ag-grid refuses overlayNoRowsTemplate strings (raw HTML), so the
// message arrives as a plain parameter and is rendered as text. No role: the overlay sits inside the
// grid, where only rows may be (a status there breaks the grid's structure for screen readers).
dagcomponentfuncs.NoRows = function (props) {
  return React.createElement("div", { className: "grid-no-rows" }, props.message || "No rows.");
};

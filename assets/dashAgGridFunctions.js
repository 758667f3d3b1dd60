// Functions dash-ag-grid may call by name from a {"function": ...} grid option.
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// A CSV cell a spreadsheet will not run as a formula: text beginning with = + - @ (or a tab or carriage
// return, which some spreadsheets skip before reading a formula) gets a leading apostrophe. Numbers stay
// numbers, so a negative count still sorts and sums.
dagfuncs.csvSafeCell = function (params) {
  var value = params.value;
  if (value === null || value === undefined) {
    return "";
  }
  if (typeof value !== "string") {
    return value;
  }
  return /^[=+\-@\t\r]/.test(value) ? "'" + value : value;
};

// An ISO date (2026-05-19) shown as the record panel shows dates (19 May 2026); the value stays ISO, so
// sorting and the CSV export keep the sortable form.
var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
dagfuncs.dayMonthYear = function (value) {
  var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value || "");
  return m ? m[3] + " " + MONTHS[parseInt(m[2], 10) - 1] + " " + m[1] : (value || "");
};

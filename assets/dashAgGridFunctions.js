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

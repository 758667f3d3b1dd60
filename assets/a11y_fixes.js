/*
 * Accessibility repairs for markup that libraries render and no component prop can change.
 * Each repair is idempotent and re-applied (once per frame at most) whenever the page's DOM changes,
 * because Dash renders tabs, dropdowns and progress bars after callbacks, not only at load.
 *
 * 1. dash-bootstrap-components 2.0.4: dbc.Tabs renders each tab's Nav.Link without its eventKey, so
 *    every tab gets id "<auto>-tab-null" and aria-controls "<auto>-tabpane-null", a panel that does not
 *    exist (axe aria-valid-attr-value). Tabs and panes are rendered from the same children in the same
 *    order, and each pane carries its real id and the id it expects of its tab (aria-labelledby).
 * 2. Dash 4.4 dcc.Dropdown: an aria-hidden, focusable <input class="dash-dropdown-focus-target"> holds
 *    the tab stop and hands focus to the dropdown's button (tabindex -1), so keyboard users stop on an
 *    element hidden from screen readers (axe aria-hidden-focus). The input is made inert and the
 *    button, which already has the name, role and keyboard handling, takes the tab stop.
 * 3. dash-bootstrap-components 2.0.4: dbc.Progress cannot be given an accessible name (no aria-label
 *    prop; axe aria-progressbar-name). A bar takes the name in its wrapper's data-progress-name.
 */
(function () {
  "use strict";

  function fixTabs() {
    document.querySelectorAll(".nav-tabs").forEach(function (nav) {
      var content = nav.nextElementSibling;
      if (!content || !content.classList.contains("tab-content")) {
        return;
      }
      var links = nav.querySelectorAll(":scope > .nav-item > [role=tab]");
      var panes = content.querySelectorAll(":scope > [role=tabpanel]");
      links.forEach(function (link, i) {
        var pane = panes[i];
        if (!pane || !pane.id) {
          return;
        }
        if (link.getAttribute("aria-controls") !== pane.id) {
          link.setAttribute("aria-controls", pane.id);
        }
        var tabId = pane.getAttribute("aria-labelledby");
        if (tabId && link.id !== tabId) {
          link.id = tabId;
        }
      });
    });
  }

  function fixDropdowns() {
    document.querySelectorAll(".dash-dropdown-focus-target:not([inert])").forEach(function (input) {
      var button = input.nextElementSibling;
      if (!button || button.tagName !== "BUTTON") {
        return;
      }
      // A disabled button skips the tab stop by itself, and keeps it for when it is enabled again.
      input.inert = true;
      button.tabIndex = 0;
    });
  }

  function nameProgressBars() {
    document.querySelectorAll("[data-progress-name] [role=progressbar]:not([aria-label])").forEach(function (bar) {
      bar.setAttribute("aria-label", bar.closest("[data-progress-name]").getAttribute("data-progress-name"));
    });
  }

  var queued = false;
  function repair() {
    queued = false;
    fixTabs();
    fixDropdowns();
    nameProgressBars();
  }
  new MutationObserver(function () {
    if (!queued) {
      queued = true;
      requestAnimationFrame(repair);
    }
  }).observe(document.documentElement, {childList: true, subtree: true});
})();

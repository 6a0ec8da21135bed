/* Material for MkDocs' storage helpers, as a file (the theme inlines them): the same
   globals its bundle expects. The scope comes from this script tag's data-scope. */
(function () {
  "use strict";
  var scope = document.currentScript.getAttribute("data-scope") || ".";
  window.__md_scope = new URL(scope, location);
  if (!window.__md_scope.pathname.endsWith("/")) {
    window.__md_scope = new URL(window.__md_scope.pathname + "/", location);
  }
  document.documentElement.setAttribute("data-platform", navigator.platform);
  // Run from <head>, before the first paint: the directory's filters and the search form
  // (which need scripts) show from the start, so nothing below them moves when the page's
  // scripts run (local-offer.css, .lo-needs-js and .lo-nojs).
  document.documentElement.classList.add("lo-scripted");
  window.__md_hash = function (value) {
    return Array.from(value).reduce(function (hash, c) { return (hash << 5) - hash + c.charCodeAt(0); }, 0);
  };
  window.__md_get = function (key, storage, base) {
    storage = storage || localStorage; base = base || window.__md_scope;
    return JSON.parse(storage.getItem(base.pathname + "." + key));
  };
  window.__md_set = function (key, value, storage, base) {
    storage = storage || localStorage; base = base || window.__md_scope;
    try { storage.setItem(base.pathname + "." + key, JSON.stringify(value)); } catch (e) { /* full or off */ }
  };
})();

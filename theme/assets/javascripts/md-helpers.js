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

/* Local Offer theme: keyboard access to Material's phone menu (WCAG 2.1.1, 2.4.3, 2.4.7).
   Material opens the drawer with <label for="__drawer">, which cannot take focus; Material
   itself clicks a focused label on Enter. Without this script the drawer still works by
   touch, and local-offer.css leaves its links reachable. */
(function () {
  "use strict";
  var toggle = document.getElementById("__drawer");
  var button = document.querySelector('.md-header label[for="__drawer"]');
  var drawer = document.querySelector(".md-sidebar--primary");
  if (!toggle || !button || !drawer) return;

  // Tells local-offer.css it may hide the closed drawer from keyboard and screen readers.
  document.documentElement.classList.add("lo-js");
  drawer.id = drawer.id || "lo-drawer";
  button.setAttribute("role", "button");
  button.setAttribute("tabindex", "0");
  button.setAttribute("aria-label", "Menu");
  button.setAttribute("aria-controls", drawer.id);

  function sync() { button.setAttribute("aria-expanded", String(toggle.checked)); }
  sync();
  button.addEventListener("focus", sync);
  button.addEventListener("keydown", function (event) {
    if (event.key === " ") { event.preventDefault(); button.click(); }
  });
  toggle.addEventListener("change", function () {
    sync();
    // Opened from the menu button: move focus to the first link in the menu.
    if (toggle.checked && document.activeElement === button) {
      var first = drawer.querySelector("a[href]");
      if (first) window.requestAnimationFrame(function () { first.focus(); });
    }
  });
  // Tabbing out of the open menu closes it, so focus never sits behind the overlay.
  drawer.addEventListener("focusout", function (event) {
    var next = event.relatedTarget;
    if (toggle.checked && next && !drawer.contains(next) && next !== button) button.click();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.checked) { button.click(); button.focus(); }
  });
})();

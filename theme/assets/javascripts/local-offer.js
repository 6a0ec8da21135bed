/* Local Offer theme: keyboard access to Material's phone menu (WCAG 2.1.1, 2.4.3, 2.4.7).
   Material opens the drawer with a <label for="__drawer">, which cannot take focus.
   Without this script the drawer still works by touch, and its links stay reachable. */
(function () {
  "use strict";
  var toggle = document.getElementById("__drawer");
  var button = document.querySelector('.md-header label[for="__drawer"]');
  var drawer = document.querySelector(".md-sidebar--primary");
  if (!toggle || !button || !drawer) return;

  // Tells local-offer.css it may hide the closed drawer from keyboard and screen readers.
  document.documentElement.classList.add("lo-js");
  button.setAttribute("role", "button");
  button.setAttribute("tabindex", "0");
  button.setAttribute("aria-label", "Menu");
  button.setAttribute("aria-controls", "lo-drawer");
  drawer.id = drawer.id || "lo-drawer";

  function sync() { button.setAttribute("aria-expanded", String(toggle.checked)); }
  function setOpen(open) {
    toggle.checked = open;
    toggle.dispatchEvent(new Event("change", { bubbles: true }));
    sync();
    if (open) {
      var first = drawer.querySelector("a[href]");
      // Wait for the drawer to become visible before moving focus into it.
      if (first) window.setTimeout(function () { first.focus(); }, 50);
    } else {
      button.focus();
    }
  }

  sync();
  toggle.addEventListener("change", sync);
  button.addEventListener("focus", sync);
  button.addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      setOpen(!toggle.checked);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.checked) setOpen(false);
  });
})();

/* Local Offer theme: what the site's other scripts share (window.LocalOffer), and a real
   "Menu" button for Material's phone menu (WCAG 2.1.1, 2.4.3, 4.1.2). Material opens the
   drawer with <label for="__drawer">, which cannot take focus and has no name. Without
   this script that label still works by touch, and local-offer.css leaves the drawer's
   links reachable. */
(function () {
  "use strict";
  function el(tag, className, text) { // text is always text
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* A service's card, the same as the pages': a copy of the page's <template id="lo-card">
     (service_card in _macros.html), each slot given its fact as text, each part whose fact
     the service lacks left out. The facts (generator/search.py, Record.card) hold all the
     wording, so a fact added to the card shows here with no change to any script. */
  function card(facts, href) {
    var node = document.getElementById("lo-card").content.firstElementChild.cloneNode(true);
    node.setAttribute("data-lo-id", facts.id);
    if (!facts.status) node.removeAttribute("data-lo-closed");
    node.querySelectorAll("[data-card-if]").forEach(function (part) {
      if (!facts[part.getAttribute("data-card-if")]) part.remove();
    });
    node.querySelectorAll("[data-card]").forEach(function (slot) {
      slot.textContent = facts[slot.getAttribute("data-card")] || "";
      if (slot.tagName === "A") slot.setAttribute("href", href);
    });
    return node;
  }
  window.LocalOffer = { el: el, card: card };

  // WCAG 2.1.4: no single-character shortcuts. Material goes to the next or previous page
  // on n . p , and opens its search on s f /, which sends a speech-recognition user or
  // someone with a tremor elsewhere. Caught first, such a key reaches no script of the
  // page; typing in a field, Space, and keys with Ctrl, Alt or Meta are left alone.
  window.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    if (event.key.length !== 1 || event.key === " ") return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    event.stopImmediatePropagation();
  }, true);

  var toggle = document.getElementById("__drawer");
  var label = document.querySelector('.md-header label[for="__drawer"]');
  var drawer = document.querySelector(".md-sidebar--primary");
  if (!toggle || !label || !drawer) return;

  var button = el("button", label.className + " lo-menu-button");
  button.type = "button";
  button.innerHTML = label.innerHTML; // Material's menu icon (an inline SVG)
  button.setAttribute("aria-label", "Menu");
  drawer.id = drawer.id || "lo-drawer";
  button.setAttribute("aria-controls", drawer.id);
  label.replaceWith(button);
  // Tells local-offer.css it may hide the closed drawer from keyboard and screen readers.
  document.documentElement.classList.add("lo-js");

  // The menu opens at the top of the site, every section closed. With navigation.sections
  // Material renders the toggle of the current page's section checked, so the drawer
  // opened inside that section. While the menu is open each section's name is a button
  // that shows its pages in place (local-offer.css hides a closed section's pages).
  var sections = Array.prototype.slice.call(
    drawer.querySelectorAll(".md-nav--primary .md-nav__item--nested > .md-nav__toggle"));
  function named(box) { return drawer.querySelector('label.md-nav__link[for="' + box.id + '"]'); }
  function shown(box) {
    var name = named(box);
    if (name && name.getAttribute("role") === "button") name.setAttribute("aria-expanded", String(box.checked));
  }
  sections.forEach(function (box) {
    var name = named(box);
    if (!name) return;
    name.setAttribute("data-lo-tabindex", name.getAttribute("tabindex") || "");
    box.addEventListener("change", function () { shown(box); });
    name.addEventListener("keydown", function (event) {
      if (name.getAttribute("role") !== "button" || (event.key !== "Enter" && event.key !== " ")) return;
      event.preventDefault();
      event.stopPropagation(); // Material's own Enter handler would toggle it a second time
      box.click();
    });
  });
  function sectionsAsButtons(on) {
    sections.forEach(function (box) {
      var name = named(box);
      if (!name) return;
      if (on) {
        box.checked = false;
        name.setAttribute("role", "button");
        name.setAttribute("tabindex", "0");
        shown(box);
      } else {
        name.removeAttribute("role");
        name.removeAttribute("aria-expanded");
        var saved = name.getAttribute("data-lo-tabindex"); // as Material made it
        if (saved) name.setAttribute("tabindex", saved); else name.removeAttribute("tabindex");
      }
    });
    var scroller = drawer.querySelector(".md-sidebar__scrollwrap");
    if (on && scroller) scroller.scrollTop = 0;
  }

  function sync() { button.setAttribute("aria-expanded", String(toggle.checked)); }
  sync();
  button.addEventListener("focus", sync);
  button.addEventListener("click", function () { toggle.click(); });
  toggle.addEventListener("change", function () {
    sync();
    sectionsAsButtons(toggle.checked);
    // Opened from the button: move focus to the first link in the menu.
    if (toggle.checked && document.activeElement === button) {
      var first = drawer.querySelector("a[href]");
      if (first) window.requestAnimationFrame(function () { first.focus(); });
    }
  });
  // Tabbing out of the open menu closes it, so focus never sits behind the overlay.
  drawer.addEventListener("focusout", function (event) {
    var next = event.relatedTarget;
    if (toggle.checked && next && !drawer.contains(next) && next !== button) toggle.click();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.checked) { toggle.click(); button.focus(); }
  });
})();

/* Local Offer theme: what the site's other scripts share (window.LocalOffer), and the
   "Menu" button of the service navigation on a phone (WCAG 2.1.1, 4.1.2). */
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

  // The service navigation (theme/main.html): on a phone its links fold behind one "Menu"
  // button (GOV.UK's pattern), which local-offer.css shows where scripts run (.lo-scripted,
  // set from <head>, so nothing moves once this script runs). Without scripts the links
  // show, wrapped; on a wide screen the button is hidden and the links show.
  var menu = document.querySelector(".lo-service-nav__toggle");
  var list = document.getElementById("lo-service-nav-list");
  if (!menu || !list) return;
  function open(on) {
    menu.setAttribute("aria-expanded", String(on));
    list.classList.toggle("lo-service-nav__list--open", on);
  }
  menu.addEventListener("click", function () {
    open(menu.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.getAttribute("aria-expanded") === "true") {
      open(false);
      menu.focus();
    }
  });
})();

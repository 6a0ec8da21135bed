/* Local Offer theme: "My list", a shortlist of services kept in this browser only.

   - Every service card (<div class="lo-card" data-lo-id="ID">, see service_card in
     generator/templates/_macros.html) and every service page gets an "Add to my list"
     button, but for a service that is not running (a card marked data-lo-closed; a page
     with no call, email and web actions). Cards drawn later by other scripts are announced with the document event
     "lo:cards" ({detail: {container}}) and get theirs then.
   - Nothing is written to localStorage until the visitor presses that button; removing
     the last service removes the key. The list holds service ids and nothing else.
   - The "My list" page (generator/templates/my-list.html) shows the list, or a list shared
     as my-list/?services=a,b,c (which saves nothing until the visitor asks): each service
     as its card (local-offer.js, card), from the card facts its own page carries, with the
     page's contact actions. Nothing is built from HTML strings: parsed nodes are imported,
     text is set as text.
   Addresses come from this file's own: it is assets/javascripts/shortlist.js under the
   site's root, so the site works under any sub-path. The page addresses and the id rule
   are the generator's, which every page gives in data-lo-facts (generator/search.py,
   facts). The pure parts come first; loaded by Node, the script gives them to its unit
   tests (tests/js/) and stops there. */
(function () {
  "use strict";
  var MAX_ITEMS = 100;

  /* Whether ``id`` can be a service's: the generator's id rule (facts.id, facts.maxId). */
  function isId(id, facts) {
    return typeof id === "string" && id.length <= facts.maxId && new RegExp(facts.id).test(id);
  }

  /* The ids a list may keep: service ids, each once, at most MAX_ITEMS of them. */
  function clean(ids, facts) {
    var seen = {};
    return ids.filter(function (id) {
      if (!isId(id, facts) || seen[id]) return false;
      seen[id] = true;
      return true;
    }).slice(0, MAX_ITEMS);
  }

  /* The ids of a shared list's address (?services=a,b,c), or null on the visitor's own. */
  function sharedIds(query) {
    var value = new URLSearchParams(query).get("services");
    return value === null ? null : value.split(",").map(function (s) { return s.trim(); });
  }

  /* The address that shares a list: the list page's, with the ids. */
  function shareLink(page, ids) { return page + "?services=" + ids.join(","); }

  /* A link from the page at path ``from`` to ``url`` (same site): relative, like every
     other link of the site. */
  function relative(from, url) {
    var here = from.split("/");
    here.pop();
    var to = url.pathname.split("/");
    var i = 0;
    while (i < here.length && i < to.length - 1 && here[i] === to[i]) i++;
    var path = new Array(here.length - i + 1).join("../") + to.slice(i).join("/");
    return (path || "./") + url.search + url.hash;
  }

  /* The id of the service whose page is at ``path`` (facts.service under the site's root
     path ``root``), or null for any other page. */
  function serviceAt(path, root, facts) {
    var parts = facts.service.split("{id}"); // the address before and after the id
    var here = path.slice(root.length);
    var id = here.slice(parts[0].length, here.length - parts[1].length);
    return path.indexOf(root) === 0 && here === parts.join(id) && isId(id, facts) ? id : null;
  }

  if (typeof module === "object") {
    module.exports = { MAX_ITEMS: MAX_ITEMS, isId: isId, clean: clean, sharedIds: sharedIds,
      shareLink: shareLink, relative: relative, serviceAt: serviceAt };
    return;
  }

  var script = document.currentScript;
  if (!script || !window.URL || !window.fetch || !window.DOMParser || !document.querySelector) return;
  var holder = document.querySelector("[data-lo-facts]");
  if (!holder) return; // not a page of the generator's (a builder's 404 page)
  var shared = JSON.parse(holder.getAttribute("data-lo-facts"));

  var ROOT = new URL("../../", script.src);
  var LIST_PAGE = new URL(shared.list, ROOT);
  var KEY = "lo-shortlist:" + ROOT.pathname; // one list per site, even on a shared host
  var el = window.LocalOffer.el;

  function servicePage(id) { return new URL(shared.service.replace("{id}", id), ROOT); }

  // --- the list, in localStorage only ----------------------------------------------------

  function readList() {
    try {
      var raw = window.localStorage.getItem(KEY);
      if (!raw) return [];
      var value = JSON.parse(raw);
      return Array.isArray(value) ? clean(value, shared) : [];
    } catch (e) {
      return []; // storage turned off, or the value is not ours
    }
  }

  /* Saves the list (an empty one removes the key); false if the browser refuses. */
  function writeList(ids) {
    try {
      if (ids.length) window.localStorage.setItem(KEY, JSON.stringify(clean(ids, shared)));
      else window.localStorage.removeItem(KEY);
      return true;
    } catch (e) {
      return false;
    }
  }

  function services(count) { return count === 1 ? "1 service" : count + " services"; }

  var REFUSED = "Your browser did not let this site keep a list. It may be set to block " +
    "storage for websites, or be in a private mode that does.";

  function squash(text) { return (text || "").replace(/\s+/g, " ").trim(); }

  function linkTo(url) { return relative(location.pathname, url); }

  // --- "Add to my list" buttons ----------------------------------------------------------

  var announcer = null;

  /* The polite status region of a page with buttons; made with the first button, so it
     is in place before anything is announced in it. */
  function listen() {
    if (announcer) return;
    var home = document.querySelector("article.md-content__inner") || document.body;
    announcer = el("div", "lo-visually-hidden");
    announcer.setAttribute("role", "status");
    home.appendChild(announcer);
  }

  function announce(message) {
    listen();
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = message; }, 50);
  }

  function control(id, name) {
    listen();
    var wrap = el("p", "lo-shortlist-control");
    var button = serviceButton("lo-shortlist-toggle", "lo-shortlist-label", "Add to my list", id, name);
    var view = el("a", "lo-shortlist-view", "View my list");
    view.href = linkTo(LIST_PAGE);
    wrap.appendChild(button);
    wrap.appendChild(document.createTextNode(" "));
    wrap.appendChild(view);
    return wrap;
  }

  function sync() {
    var ids = readList();
    var buttons = document.querySelectorAll(".lo-shortlist-toggle");
    for (var i = 0; i < buttons.length; i++) {
      var chosen = ids.indexOf(buttons[i].getAttribute("data-lo-id")) !== -1;
      buttons[i].querySelector(".lo-shortlist-label").textContent =
        chosen ? "Remove from my list" : "Add to my list";
      buttons[i].classList.toggle("lo-shortlist-toggle--chosen", chosen);
      buttons[i].parentNode.querySelector(".lo-shortlist-view").hidden = !chosen;
    }
  }

  function toggle(button) {
    var id = button.getAttribute("data-lo-id");
    var name = button.getAttribute("data-lo-name");
    var ids = readList();
    var at = ids.indexOf(id);
    var message;
    if (at === -1) {
      if (ids.length >= MAX_ITEMS) { announce("Your list is full: it can hold " + MAX_ITEMS + " services."); return; }
      ids.push(id);
      message = "Added " + name + " to your list. It has " + services(ids.length) + ".";
    } else {
      ids.splice(at, 1);
      message = "Removed " + name + " from your list. " +
        (ids.length ? "It has " + services(ids.length) + "." : "Your list is empty.");
    }
    if (!writeList(ids)) { announce(REFUSED); return; }
    sync();
    announce(message);
  }

  function enhance(container) {
    var root = container && container.querySelectorAll ? container : document;
    var cards = Array.prototype.slice.call(root.querySelectorAll(".lo-card[data-lo-id]"));
    if (root.matches && root.matches(".lo-card[data-lo-id]")) cards.unshift(root);
    var added = false;
    cards.forEach(function (card) {
      var id = card.getAttribute("data-lo-id");
      if (card.querySelector(".lo-shortlist-control") || !isId(id, shared)) return;
      if (card.hasAttribute("data-lo-closed")) return; // not running: nothing to add
      var heading = card.querySelector("h1, h2, h3, h4, h5, h6");
      card.appendChild(control(id, squash(heading ? heading.textContent : id)));
      added = true;
    });
    if (added) sync();
  }

  /* A service's own page: the button goes after its call, email and web actions. */
  function enhanceServicePage() {
    var id = serviceAt(location.pathname, ROOT.pathname, shared);
    var actions = document.querySelector("article ul.lo-actions");
    var title = document.querySelector("article h1");
    if (!id || !actions || actions.closest(".lo-card") || !title) return;
    actions.parentNode.insertBefore(control(id, squash(title.textContent)), actions.nextSibling);
    sync();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".lo-shortlist-toggle");
    if (button) toggle(button);
  });
  document.addEventListener("lo:cards", function (event) {
    enhance(event.detail && event.detail.container);
  });
  enhance(document);
  enhanceServicePage();

  // --- the "My list" page -----------------------------------------------------------------

  var app = document.getElementById("lo-shortlist");

  window.addEventListener("storage", function (event) {
    if (event.key !== KEY && event.key !== null) return;
    sync();
    if (app && !sharedIds(location.search)) show();
  });

  if (!app) return;

  var part = function (selector) { return app.querySelector(selector); };
  var count = part(".lo-shortlist-count");
  var items = part(".lo-shortlist-items");
  var status = part(".lo-shortlist-status");
  var linkBox = part(".lo-shortlist-link");
  var linkField = part("#lo-shortlist-link");
  var shown = []; // the ids on screen, in order
  var rendering = 0;

  function say(message) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  /* A page of this site, parsed: {doc}, or {gone: true} if there is no such page, or {}
     if it could not be fetched (offline, say), when the list must keep the service. */
  function fetchPage(url) {
    return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
      if (response.status === 404 || response.status === 410) return { gone: true };
      if (!response.ok || new URL(response.url).origin !== location.origin) return {};
      return response.text().then(function (html) {
        return { doc: new DOMParser().parseFromString(html, "text/html") };
      });
    }).catch(function () { return {}; });
  }

  /* A copy of ``node`` for this page: links made to work from here, no ids repeated. */
  function adopt(node, from) {
    var copy = document.importNode(node, true);
    var all = [copy].concat(Array.prototype.slice.call(copy.querySelectorAll("*")));
    all.forEach(function (n) {
      n.removeAttribute("id");
      Array.prototype.slice.call(n.attributes).forEach(function (a) {
        if (/^on/i.test(a.name)) n.removeAttribute(a.name);
      });
      if (n.tagName === "A" && n.hasAttribute("href")) {
        var target;
        try { target = new URL(n.getAttribute("href"), from); } catch (e) { target = null; }
        if (!target || !/^(https?|mailto|tel):$/.test(target.protocol)) n.removeAttribute("href");
        else if (target.origin === location.origin) n.setAttribute("href", linkTo(target));
      }
    });
    return copy;
  }

  function removeButton(id, name) {
    var wrap = el("p", "lo-shortlist-control");
    wrap.appendChild(serviceButton("lo-shortlist-remove", "", "Remove from my list", id, name));
    return wrap;
  }

  // A button for one service. Its name says which: "Add to my list (Speech advice line)".
  function serviceButton(kind, labelClass, label, id, name) {
    var button = el("button", "lo-button " + kind);
    button.type = "button";
    button.setAttribute("data-lo-id", id);
    button.setAttribute("data-lo-name", name);
    button.appendChild(el("span", labelClass, label));
    button.appendChild(el("span", "lo-visually-hidden", " (" + name + ")"));
    return button;
  }

  /* A service whose page could not be fetched just now: kept, with a link to it. */
  function unreachable(id, url, own) {
    var box = el("div", "lo-card lo-shortlist-item");
    box.setAttribute("data-lo-item", id);
    var heading = el("h3");
    var link = el("a", "", id.replace(/-/g, " "));
    link.href = linkTo(url);
    heading.appendChild(link);
    box.appendChild(heading);
    box.appendChild(el("p", "lo-notice", "We could not load the details of this service. " +
      "Check your internet connection, then reload this page."));
    if (own) box.appendChild(removeButton(id, id.replace(/-/g, " ")));
    return box;
  }

  /* One service as the list shows it: its card, from the card facts its own page carries
     for search (service.html, data-pagefind-meta), with the page's call, email and web
     actions; null if there is no such page. */
  function item(id, fetched, url, own) {
    if (fetched.gone) return null;
    if (!fetched.doc) return unreachable(id, url, own);
    var facts = {};
    fetched.doc.querySelectorAll("article [data-pagefind-meta]").forEach(function (n) {
      facts[n.getAttribute("data-pagefind-meta")] = n.textContent;
    });
    if (facts.id !== id) return null; // a host that answers every address with a page
    var box = window.LocalOffer.card(facts, linkTo(url));
    box.classList.add("lo-shortlist-item");
    box.setAttribute("data-lo-item", id);
    var actions = fetched.doc.querySelector("article ul.lo-actions");
    if (actions && actions.children.length) box.appendChild(adopt(actions, url));
    if (own) box.appendChild(removeButton(id, facts.title));
    return box;
  }

  function heading(own, n) {
    if (!n) return own ? "Your list is empty" : "No services to show";
    return own ? services(n) + " in your list" : services(n) + " in this shared list";
  }

  /* Draw the list: the visitor's own, or a shared one. */
  function show(message) {
    var given = sharedIds(location.search);
    var own = given === null;
    var wanted = own ? readList() : clean(given, shared);
    var ignored = own ? 0 : given.filter(function (s) { return s !== "" && !isId(s, shared); }).length;
    var turn = ++rendering;
    items.setAttribute("aria-busy", "true");
    Promise.all(wanted.map(function (id) {
      var url = servicePage(id);
      return fetchPage(url).then(function (fetched) {
        return { id: id, node: item(id, fetched, url, own) };
      });
    })).then(function (found) {
      if (turn !== rendering) return; // a newer drawing has started
      var known = found.filter(function (f) { return f.node; });
      var missing = found.length - known.length + ignored;
      shown = known.map(function (f) { return f.id; });
      if (own && missing) writeList(shown); // services gone from the directory leave the list
      items.replaceChildren.apply(items, known.map(function (f) { return f.node; }));
      items.removeAttribute("aria-busy");
      count.textContent = heading(own, shown.length);
      part(".lo-shortlist-shared").hidden = own || !shown.length;
      part(".lo-shortlist-empty").hidden = shown.length > 0 || !own;
      part(".lo-shortlist-tools").hidden = !shown.length;
      part('[data-lo-action="clear"]').hidden = !own;
      linkBox.hidden = true;
      var unknown = part(".lo-shortlist-unknown");
      unknown.hidden = !missing;
      unknown.textContent = !missing ? "" : own
        ? (missing === 1 ? "1 service" : missing + " services") + " in your list " +
          (missing === 1 ? "is" : "are") + " no longer in the directory, so we have taken " +
          (missing === 1 ? "it" : "them") + " off your list."
        : "Sorry, " + (missing === 1 ? "1 service" : missing + " services") + " in this link " +
          "could not be found. " + (missing === 1 ? "It" : "They") + " may have been removed " +
          "from the directory, or the link may have been copied only in part.";
      if (message) say(message); // on arrival the heading says it: nothing to announce
    });
  }

  function copyLink() {
    var link = shareLink(new URL(location.pathname, location.origin).href, shown);
    linkField.value = link;
    linkBox.hidden = false;
    var copied = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(link).then(function () { return true; }, function () { return false; })
      : Promise.resolve(false);
    copied.then(function (ok) {
      if (ok) {
        say("Link copied. Anyone who opens it will see these services; nothing is saved in " +
          "their browser unless they choose to save it.");
      } else {
        linkField.focus();
        linkField.select();
        say("Your browser did not let us copy the link. It is selected in the box “Link to " +
          "this list”: copy it from there.");
      }
    });
  }

  function focusCount() { count.focus(); }

  app.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !app.contains(button)) return;
    var action = button.getAttribute("data-lo-action");
    if (button.classList.contains("lo-shortlist-remove")) {
      var id = button.getAttribute("data-lo-id");
      var ids = readList().filter(function (s) { return s !== id; });
      if (!writeList(ids)) { say(REFUSED); return; }
      var gone = button.closest(".lo-shortlist-item");
      var next = gone.nextElementSibling || gone.previousElementSibling;
      gone.remove();
      shown = shown.filter(function (s) { return s !== id; });
      count.textContent = heading(true, shown.length);
      part(".lo-shortlist-empty").hidden = shown.length > 0;
      part(".lo-shortlist-tools").hidden = !shown.length;
      linkBox.hidden = true;
      if (next) next.querySelector(".lo-shortlist-remove").focus(); else focusCount();
      say("Removed " + button.getAttribute("data-lo-name") + " from your list. " +
        (shown.length ? "It has " + services(shown.length) + "." : "Your list is empty."));
    } else if (action === "copy") {
      copyLink();
    } else if (action === "print") {
      window.print();
    } else if (action === "clear") {
      if (!writeList([])) { say(REFUSED); return; }
      focusCount();
      show("Your list has been cleared. Nothing is kept in this browser now.");
    } else if (action === "save") {
      var merged = readList();
      shown.forEach(function (s) { if (merged.indexOf(s) === -1) merged.push(s); });
      if (merged.length > MAX_ITEMS || !writeList(merged)) {
        say(merged.length > MAX_ITEMS ? "Your list can hold " + MAX_ITEMS + " services." : REFUSED);
        return;
      }
      window.history.replaceState(null, "", location.pathname);
      focusCount();
      show("Saved in this browser. " + heading(true, merged.length) + ".");
    }
  });

  var printed = part(".lo-shortlist-printed") || document.querySelector(".lo-shortlist-printed");
  if (printed) {
    printed.textContent = ", printed on " + new Date().toLocaleDateString("en-GB",
      { day: "numeric", month: "long", year: "numeric" });
  }
  document.querySelector(".lo-shortlist-nojs").hidden = true;
  document.querySelector(".lo-shortlist-intro").classList.add("lo-screen-only");
  app.hidden = false;
  show();
})();

/* Local Offer: the search page (on the site's Pagefind index) and the directory's filters
   (on small files of filter data), both made by generator/search.py. Nothing is fetched
   until someone searches or filters, and then only the pieces the question needs.

   The state lives in the address (?q=… on the search page; ?area=…&age=… on the
   directory), so a list can be shared and bookmarked and Back works. The number of
   results is announced in a role="status" region. Every card is built with textContent,
   never from HTML strings. Without this script the forms stay hidden and the directory's
   A to Z pages reach every service. */
(function () {
  "use strict";
  var STEP = 20; // results shown at a time
  var form = document.getElementById("lo-search") || document.getElementById("lo-filters");
  // What the generator decides (generator/search.py, facts): the page gives it, so no
  // address, filter key, shard size or search word is written here as well.
  var holder = document.querySelector("[data-lo-facts]");
  if (!form || !holder) return;
  var facts = JSON.parse(holder.getAttribute("data-lo-facts"));
  var FILTERS = facts.filters; // the filters a visitor chooses
  var SHARD = facts.shard; // services a file of cards holds
  var TAG_DROP = new RegExp(facts.tagDrop, "g");
  var searching = form.id === "lo-search";
  var count = document.getElementById("lo-count");
  var results = document.getElementById("lo-results");
  var more = document.getElementById("lo-more");
  var listing = document.getElementById("lo-listing");
  var root = new URL(form.getAttribute("data-site-root") || "./", window.location.href);
  var places = JSON.parse(form.getAttribute("data-places") || "{}");
  var loading = null;
  var shown = [];
  var next = 0;
  var asked = 0; // the latest question; answers to older ones are dropped


  function pagefind() {
    if (!loading) {
      loading = import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
        return Promise.resolve(pf.options({ excerptLength: 24 })).then(function () { return pf; });
      });
    }
    return loading;
  }

  function params() {
    var found = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { if (value) found.set(key, value); });
    return found;
  }

  function fromAddress() {
    var asked = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name) return;
      var value = asked.get(field.name) || "";
      if (field.type === "checkbox") field.checked = value === field.value;
      else if (field.tagName === "SELECT") {
        var known = Array.prototype.some.call(field.options, function (o) { return o.value === value; });
        field.value = known ? value : "";
      } else field.value = value;
    });
  }

  function say(text) { count.textContent = text; }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  // --- the question -------------------------------------------------------------------

  function ask() {
    var mine = ++asked;
    if (searching) {
      var q = (form.elements.q.value || "").trim();
      if (!q) return show(mine, [], "");
      say("Searching…");
      return pagefind().then(function (pf) { return searchFor(pf, q); }).then(function (found) {
        var text = found.length
          ? plural(found.length, "result", "results") + " for “" + q + "”."
          : "No results for “" + q + "”. Try other words, or browse the directory.";
        show(mine, found, text);
      }, failed);
    }
    var chosen = [];
    FILTERS.forEach(function (key) {
      var field = form.elements[key];
      var value = field && (field.type === "checkbox" ? (field.checked ? field.value : "") : field.value);
      if (value) chosen.push(valueFile(key, value));
    });
    // Services that are not running are left out unless the visitor asks for them; asked
    // for alone, every service is listed.
    var closed = form.elements.closed;
    var withClosed = !!(closed && closed.checked);
    if (!chosen.length && !withClosed) return show(mine, null, "");
    say("Finding services…");
    var wanted = chosen.concat([valueFile("running", "yes"), valueFile("running", "no")]);
    return Promise.all(wanted.map(numbersOf)).then(function (lists) {
      var running = lists[lists.length - 2], stopped = lists[lists.length - 1];
      var matches = chosen.length ? lists.slice(0, chosen.length).reduce(both) : either(running, stopped);
      var numbers = withClosed ? matches : both(matches, running);
      var hidden = withClosed ? 0 : both(matches, stopped).length;
      var found = numbers.map(function (n) { return { data: function () { return cardOf(n); } }; });
      var text = found.length
        ? plural(found.length, "service matches", "services match") + " all your choices."
        : "No services match all your choices. Try removing one of them.";
      if (hidden) text += " Not shown: " + plural(hidden, "service", "services") + " not running at the moment.";
      show(mine, found, text);
    }, failed);
  }

  // The directory's filter data (generator/search.py, directory_files): for each value,
  // the numbers of the services that have it, in A to Z order; cards SHARD a file.
  var files = {};
  function valueFile(key, value) { return facts.values.replace("{key}", key).replace("{value}", value); }
  function fetchJSON(name) {
    if (!files[name]) {
      files[name] = fetch(new URL(name, root).href).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      });
    }
    return files[name];
  }
  function numbersOf(choice) { return fetchJSON(choice); }
  function cardOf(n) {
    return fetchJSON(facts.cards.replace("{n}", Math.floor(n / SHARD))).then(function (cards) {
      var meta = cards[n % SHARD];
      return { url: new URL(facts.service.replace("{id}", meta.id), root).pathname, meta: meta };
    });
  }
  function either(a, b) { // two ascending lists: the numbers in one or the other
    var out = [], i = 0, j = 0;
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && a[i] < b[j])) out.push(a[i++]);
      else if (i >= a.length || b[j] < a[i]) out.push(b[j++]);
      else { out.push(a[i]); i++; j++; }
    }
    return out;
  }
  function both(a, b) { // two ascending lists: the numbers in both
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
    return out;
  }

  /* Services in the area the question names (a town counts) come first, those a family
     can contact themselves first of all; then everything else the words find; services
     that are not running last of all. */
  function searchFor(pf, q) {
    var text = " " + q.toLowerCase().replace(/[^\p{L}\p{N}'-]+/gu, " ") + " ";
    var area = null;
    Object.keys(places).sort(function (a, b) { return b.length - a.length; }).some(function (name) {
      var at = text.indexOf(" " + name + " ");
      if (at < 0) return false;
      area = places[name];
      text = text.slice(0, at) + " " + text.slice(at + name.length + 1);
      return true;
    });
    var rest = text.trim();
    var questions = [];
    if (area) {
      var here = " " + tag("area", area);
      questions.push(pf.search(rest + here + " " + tag("self", "yes")));
      questions.push(pf.search(rest + here));
    }
    questions.push(pf.search(q));
    if (area && rest) questions.push(pf.search(rest));
    questions.push(pf.search(tag("running", "no")));
    return Promise.all(questions).then(function (answers) {
      var stopped = {};
      answers.pop().results.forEach(function (r) { stopped[r.id] = true; });
      var seen = {};
      var merged = [], last = [];
      answers.forEach(function (answer) {
        answer.results.forEach(function (r) {
          if (!seen[r.id]) { seen[r.id] = true; (stopped[r.id] ? last : merged).push(r); }
        });
      });
      return merged.concat(last);
    });
  }

  // The word a service page holds for a value search ranks by (generator/search.py, tag).
  function tag(key, value) { return facts.tag + key + value.replace(TAG_DROP, ""); }

  function failed() {
    say("Search is not working at the moment. You can still browse every service from A to Z in the directory.");
  }

  // --- the answer ---------------------------------------------------------------------

  function show(mine, found, text) {
    if (mine !== asked) return;
    shown = found || [];
    next = 0;
    results.replaceChildren();
    results.hidden = !found;
    if (listing) listing.hidden = !!found;
    more.hidden = true;
    // The count is announced once the first results are on the page, not before.
    if (!found) return say(text);
    return showMore(false).then(function () { if (mine === asked) say(text); });
  }

  function showMore(moveFocus) {
    var mine = asked;
    var batch = shown.slice(next, next + STEP);
    next += batch.length;
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (data) {
      if (mine !== asked) return;
      var first = null;
      data.forEach(function (d) {
        var card = d.meta && d.meta.id ? serviceCard(d) : pageCard(d);
        first = first || card.querySelector("a");
        results.appendChild(card);
      });
      more.hidden = next >= shown.length;
      if (!more.hidden) more.textContent = "Show " + Math.min(STEP, shown.length - next) + " more (" + (shown.length - next) + " not shown yet)";
      document.dispatchEvent(new CustomEvent("lo:cards", { detail: { container: results } }));
      if (moveFocus && first) first.focus();
    });
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function heading(d) {
    var h = el(results.getAttribute("data-heading") || "h3");
    var a = el("a", d.meta.title || d.url);
    a.href = d.url;
    h.appendChild(a);
    return h;
  }

  // The same facts as the directory's cards (_macros.html, service_card).
  function serviceCard(d) {
    var m = d.meta;
    var card = el("div", "", "lo-card");
    card.setAttribute("data-lo-id", m.id);
    card.appendChild(heading(d));
    if (m.status) { // not running: no "Add to my list" (shortlist.js)
      card.setAttribute("data-lo-closed", "");
      var p = el("p");
      p.appendChild(el("span", m.status, "lo-status lo-status--closed"));
      card.appendChild(p);
    }
    card.appendChild(el("p", m.line));
    var list = el("ul");
    [["Who for:", m.who], ["Areas:", m.areas], ["Cost:", m.cost], ["Refer yourself:", m.self],
     ["Type and level:", m.kind]].forEach(function (fact) {
      var li = el("li");
      li.appendChild(el("strong", fact[0]));
      li.appendChild(document.createTextNode(" " + fact[1]));
      list.appendChild(li);
    });
    card.appendChild(list);
    if (m.stale) card.appendChild(el("p", m.stale, "lo-notice"));
    return card;
  }

  function pageCard(d) {
    var card = el("div", "", "lo-card lo-card--page");
    card.appendChild(heading(d));
    // Pagefind's excerpt marks the words found with <mark>: read it as text only (a
    // parsed, inert document; nothing of it is put into the page as HTML).
    var excerpt = new DOMParser().parseFromString(d.excerpt || "", "text/html").body.textContent;
    card.appendChild(el("p", excerpt));
    return card;
  }

  // --- events ---------------------------------------------------------------------------

  function commit() {
    var query = params().toString();
    var address = window.location.pathname + (query ? "?" + query : "");
    if (address !== window.location.pathname + window.location.search) {
      window.history.pushState(null, "", address);
    }
    ask();
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); commit(); });
  if (!searching) form.addEventListener("change", commit);
  var clear = document.getElementById("lo-clear");
  if (clear) clear.addEventListener("click", function (event) {
    event.preventDefault();
    form.reset();
    commit();
  });
  more.addEventListener("click", function () { showMore(true); });
  window.addEventListener("popstate", function () { fromAddress(); ask(); });
  fromAddress();
  ask();
})();

/* Local Offer: the search page (on the site's Pagefind index) and the directory's filters
   (on small files of filter data), both made by generator/search.py. Nothing is fetched
   until someone searches or filters, and then only the pieces the question needs.

   The state lives in the address (?q=… on the search page; ?area=…&age=… on the
   directory), so a list can be shared and bookmarked and Back works. The number of
   results is announced in a role="status" region. A service's card is the page's own
   (local-offer.js, card), filled as text from its facts, never from HTML strings. Without
   this script the forms stay hidden and the directory's A to Z pages reach every service.
   The pure parts come first; loaded by Node, the script gives them to its unit tests
   (tests/js/) and stops there. */
(function () {
  "use strict";

  /* The form's choices in an address's query (?area=x&age=7): each field's value if the
     field offers it (offered[name]: its values, or null for any text), else "". */
  function choicesFrom(query, offered) {
    var asked = new URLSearchParams(query);
    var chosen = {};
    Object.keys(offered).forEach(function (name) {
      var value = asked.get(name) || "";
      chosen[name] = !offered[name] || offered[name].indexOf(value) !== -1 ? value : "";
    });
    return chosen;
  }

  /* The query of the address for these choices: those made, in the form's order. */
  function queryOf(chosen) {
    var query = new URLSearchParams();
    Object.keys(chosen).forEach(function (name) { if (chosen[name]) query.set(name, chosen[name]); });
    return query.toString();
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

  /* The services to list: those in every chosen value's list (with none chosen, all),
     only the running ones unless withClosed; and how many matching ones that leaves out. */
  function matching(lists, running, stopped, withClosed) {
    var matches = lists.length ? lists.reduce(both) : either(running, stopped);
    if (withClosed) return { numbers: matches, hidden: 0 };
    return { numbers: both(matches, running), hidden: both(matches, stopped).length };
  }

  // An address or file name of the generator's ("filters/{key}-{value}.json"), filled in.
  function fill(pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  // The word a service page holds for a value search ranks by (generator/search.py, tag).
  function tag(facts, key, value) { return facts.tag + key + value.replace(new RegExp(facts.tagDrop, "g"), ""); }

  if (typeof module === "object") {
    module.exports = { choicesFrom: choicesFrom, queryOf: queryOf, either: either, both: both,
      matching: matching, fill: fill, tag: tag };
    return;
  }

  var STEP = 20; // results shown at a time
  var form = document.getElementById("lo-search") || document.getElementById("lo-filters");
  // What the generator decides (generator/search.py, facts): the page gives it, so no
  // address, filter key, shard size or search word is written here as well.
  var holder = document.querySelector("[data-lo-facts]");
  if (!form || !holder) return;
  var facts = JSON.parse(holder.getAttribute("data-lo-facts"));
  var FILTERS = facts.filters; // the filters a visitor chooses
  var SHARD = facts.shard; // services a file of cards holds
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

  function fields() { return Array.prototype.filter.call(form.elements, function (f) { return f.name; }); }

  function chosenNow() {
    var chosen = {};
    fields().forEach(function (f) { chosen[f.name] = f.type !== "checkbox" || f.checked ? f.value : ""; });
    return chosen;
  }

  function fromAddress() {
    var offered = {};
    fields().forEach(function (f) {
      offered[f.name] = f.type === "checkbox" ? [f.value]
        : f.tagName === "SELECT" ? Array.prototype.map.call(f.options, function (o) { return o.value; }) : null;
    });
    var chosen = choicesFrom(window.location.search, offered);
    fields().forEach(function (f) {
      if (f.type === "checkbox") f.checked = chosen[f.name] === f.value; else f.value = chosen[f.name];
    });
  }

  function say(text) { count.textContent = text; }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  // --- the question -------------------------------------------------------------------

  function ask() {
    var mine = ++asked;
    var chosen = chosenNow();
    if (searching) {
      var q = (chosen.q || "").trim();
      if (!q) return show(mine, [], "");
      say("Searching…");
      return pagefind().then(function (pf) { return searchFor(pf, q); }).then(function (found) {
        var text = found.length
          ? plural(found.length, "result", "results") + " for “" + q + "”."
          : "No results for “" + q + "”. Try other words, or browse the directory.";
        show(mine, found, text);
      }, failed);
    }
    var files = FILTERS.filter(function (key) { return chosen[key]; }).map(function (key) {
      return valueFile(key, chosen[key]);
    });
    // Services that are not running are left out unless the visitor asks for them; asked
    // for alone, every service is listed.
    var withClosed = !!chosen.closed;
    if (!files.length && !withClosed) return show(mine, null, "");
    say("Finding services…");
    files.push(valueFile("running", "yes"), valueFile("running", "no"));
    return Promise.all(files.map(fetchJSON)).then(function (lists) {
      var stopped = lists.pop(), running = lists.pop();
      var picked = matching(lists, running, stopped, withClosed);
      var found = picked.numbers.map(function (n) { return { data: function () { return cardOf(n); } }; });
      var text = found.length
        ? plural(found.length, "service matches", "services match") + " all your choices."
        : "No services match all your choices. Try removing one of them.";
      if (picked.hidden) text += " Not shown: " + plural(picked.hidden, "service", "services") + " not running at the moment.";
      show(mine, found, text);
    }, failed);
  }

  // The directory's filter data (generator/search.py, directory_files): for each value,
  // the numbers of the services that have it, in A to Z order; cards SHARD a file.
  function valueFile(key, value) { return fill(facts.values, { key: key, value: value }); }
  var fetched = {};
  function fetchJSON(name) {
    if (!fetched[name]) {
      fetched[name] = fetch(new URL(name, root).href).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      });
    }
    return fetched[name];
  }
  function cardOf(n) {
    return fetchJSON(fill(facts.cards, { n: Math.floor(n / SHARD) })).then(function (cards) {
      var meta = cards[n % SHARD];
      return { url: new URL(fill(facts.service, meta), root).pathname, meta: meta };
    });
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
      var here = " " + tag(facts, "area", area);
      questions.push(pf.search(rest + here + " " + tag(facts, "self", "yes")));
      questions.push(pf.search(rest + here));
    }
    questions.push(pf.search(q));
    if (area && rest) questions.push(pf.search(rest));
    questions.push(pf.search(tag(facts, "running", "no")));
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
        var card = d.meta && d.meta.id ? window.LocalOffer.card(d.meta, d.url) : pageCard(d);
        first = first || card.querySelector("a");
        results.appendChild(card);
      });
      more.hidden = next >= shown.length;
      if (!more.hidden) more.textContent = "Show " + Math.min(STEP, shown.length - next) + " more (" + (shown.length - next) + " not shown yet)";
      document.dispatchEvent(new CustomEvent("lo:cards", { detail: { container: results } }));
      if (moveFocus && first) first.focus();
    });
  }

  function pageCard(d) {
    var el = window.LocalOffer.el;
    var card = el("div", "lo-card lo-card--page");
    var h = card.appendChild(el(results.getAttribute("data-heading") || "h3"));
    h.appendChild(el("a", "", d.meta.title || d.url)).href = d.url;
    // Pagefind's excerpt marks the words found with <mark>: read it as text only (a
    // parsed, inert document; nothing of it is put into the page as HTML).
    var excerpt = new DOMParser().parseFromString(d.excerpt || "", "text/html").body.textContent;
    card.appendChild(el("p", "", excerpt));
    return card;
  }

  // --- events ---------------------------------------------------------------------------

  function commit() {
    var query = queryOf(chosenNow());
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

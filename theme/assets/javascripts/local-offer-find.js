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

  /* Search in families' words. A question is split into words; its common words ("my",
     "not", "year", numbers) are dropped from what must match, and each other word is
     searched on its own, so one word that no page holds ("toddler") never empties the
     list. The thesaurus (generator/thesaurus.yaml) is applied when the index is made:
     a service page holds every word of the groups its own words belong to. */

  // Words a question may hold that say nothing about the help asked for.
  var COMMON = ("a about after again all also am an and any are as at be because been being " +
    "but by can cannot could did do does doing for from get gets getting go goes going got " +
    "had has have having he her here hers him his how i i'm im if in into is it it's its " +
    "just lot lots me mine more most much must my need needed needs of off on one only or " +
    "our ours please really she should so some such than that the their them then there " +
    "these they this those to too up us very was we were what when where which who why " +
    "will with without would yet you your yours no nor not cant dont doesnt didnt isnt wont " +
    // who the child is, and how old: the services' ages, not their words, say that
    "age aged ages boy boys child childs children daughter daughters girl girls grandchild " +
    "granddaughter grandson kid kids month months old older son sons week weeks year years " +
    "yr yrs yo " +
    // how a worry is put
    "anyone concern concerned concerns difficult difficulties difficulty find finding hard " +
    "help helping helps issue issues looking problem problems seem seems service services " +
    "struggle struggles struggling support think trouble unable want wants worried worry " +
    "worries").split(" ");

  /* A question's words, in order and each once: lower case, split at anything but letters,
     digits, and hyphens and apostrophes within a word ("non-verbal", "won't"); "child's"
     is "child". */
  function wordsOf(question) {
    var words = [];
    question.toLowerCase().replace(/[\u2018\u2019]/g, "'").split(/[^\p{L}\p{N}'-]+/u).forEach(function (word) {
      word = word.replace(/^['-]+|['-]+$/g, "").replace(/'s$/, "");
      if (word && words.indexOf(word) === -1) words.push(word);
    });
    return words;
  }

  /* Whether a word says nothing about the help asked for: a common word, one with a digit
     ("3", "18months"), a "not" ("won't", "doesn't"); a hyphenated word when each of its
     parts is one ("3-year-old"). */
  function isCommon(word) {
    return word.split("-").every(function (part) {
      return !part || COMMON.indexOf(part) !== -1 || /\p{N}/u.test(part) || /n't$/.test(part);
    });
  }

  /* The words to search: those that are not common. A question of common words only
     ("help") is searched by them, numbers apart; those are never reported as unfound. */
  function meaningful(words) {
    var kept = words.filter(function (w) { return !isCommon(w); });
    if (kept.length) return { words: kept, reported: kept };
    return { words: words.filter(function (w) { return !/\p{N}/u.test(w); }), reported: [] };
  }

  /* The area a question names (by its name or a town's, the longest first; `places` maps
     each, lower case, to the area's id) and the question without it. */
  function placeIn(question, places) {
    var text = " " + question.toLowerCase().replace(/[^\p{L}\p{N}'-]+/gu, " ") + " ";
    var area = null;
    Object.keys(places).sort(function (a, b) { return b.length - a.length; }).some(function (name) {
      var at = text.indexOf(" " + name + " ");
      if (at < 0) return false;
      area = places[name];
      text = text.slice(0, at) + " " + text.slice(at + name.length + 1);
      return true;
    });
    return { area: area, rest: text.trim() };
  }

  /* One list from the answers to each word ({word, results: [{id, score}]}): every page
     that any word found, once. Services that are not running (`stopped`, by id) come
     last; before them, those `near` ranks (0: in the area asked for, and a family can
     contact them; 1: in the area), then the rest; within each, those that match more of
     the words first, then by the sum of Pagefind's scores. `unmatched`: the words of
     `reported` that found nothing (so no service mentions them). */
  function ranked(answers, stopped, near, reported) {
    var found = {}, order = [];
    answers.forEach(function (answer) {
      answer.results.forEach(function (r) {
        var entry = found[r.id];
        if (!entry) entry = found[r.id] = { result: r, words: 0, score: 0, at: order.push(r.id) };
        entry.words += 1;
        entry.score += r.score || 0;
      });
    });
    function rank(id) {
      var e = found[id];
      return [stopped[id] ? 1 : 0, id in near ? near[id] : 2, -e.words, -e.score, e.at];
    }
    order.sort(function (a, b) {
      var x = rank(a), y = rank(b);
      for (var i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
      return 0;
    });
    var unmatched = reported.filter(function (word) {
      return !answers.some(function (answer) { return answer.word === word && answer.results.length; });
    });
    return { results: order.map(function (id) { return found[id].result; }), unmatched: unmatched };
  }

  /* The answers of `reported` words that found only a few pages (at most `few`): Pagefind
     gives a word it does not hold the pages of a part of it ("zebra": the home page), so
     those pages are read to know whether a service mentions the word. */
  function unsure(answers, reported, few) {
    return answers.filter(function (answer) {
      return reported.indexOf(answer.word) !== -1 && answer.results.length && answer.results.length <= few;
    });
  }

  // The words that found no service, said plainly: No service mentions “a”, “b” or “c”.
  function nothingFor(words) {
    if (!words.length) return "";
    var quoted = words.map(function (w) { return "\u201c" + w + "\u201d"; });
    var last = quoted.pop();
    return "No service mentions " + (quoted.length ? quoted.join(", ") + " or " : "") + last + ".";
  }

  /* What the directory's count says: with no choices made (picked null), the total the page
     gives ("25 services"); else how many services match them all, and how many that match
     are left out as not running. */
  function countText(total, picked) {
    if (!picked) return total;
    var n = picked.numbers.length, hidden = picked.hidden;
    var text = n ? n + (n === 1 ? " service matches" : " services match") + " all your choices."
      : "No services match all your choices. Try removing one of them.";
    if (hidden) text += " Not shown: " + hidden + (hidden === 1 ? " service" : " services") + " not running at the moment.";
    return text;
  }

  // How many choices are made: the Filter button says so while the filters are folded.
  function chosenCount(chosen) {
    return Object.keys(chosen).filter(function (name) { return chosen[name]; }).length;
  }

  /* The words for a live region that holds `before`: the same words again are made to
     differ (by a no-break space added or taken away), so a screen reader says them again. */
  function toSay(before, text) { return before === text ? text + "\u00a0" : text; }

  if (typeof module === "object") {
    module.exports = { choicesFrom: choicesFrom, queryOf: queryOf, either: either, both: both,
      matching: matching, fill: fill, tag: tag, wordsOf: wordsOf, isCommon: isCommon,
      meaningful: meaningful, placeIn: placeIn, ranked: ranked, unsure: unsure, nothingFor: nothingFor,
      countText: countText, chosenCount: chosenCount,
      toSay: toSay };
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
        var n = found.results.length;
        var text = n
          ? plural(n, "result", "results") + " for “" + q + "”." + (found.unmatched.length ? " " + nothingFor(found.unmatched) : "")
          : "No results for “" + q + "”. Try other words, or browse the directory.";
        return show(mine, found.results, text);
      }, failed).then(function () {
        // After a search, focus goes to the count, which a screen reader reads out: the
        // results follow it.
        if (toCount && mine === asked) { toCount = false; count.focus(); }
      });
    }
    var files = FILTERS.filter(function (key) { return chosen[key]; }).map(function (key) {
      return valueFile(key, chosen[key]);
    });
    // Services that are not running are left out unless the visitor asks for them; asked
    // for alone, every service is listed.
    var withClosed = !!chosen.closed;
    var total = count.getAttribute("data-lo-total") || "";
    if (!files.length && !withClosed) return answer(mine, null, countText(total, null));
    say("Finding services…");
    files.push(valueFile("running", "yes"), valueFile("running", "no"));
    return Promise.all(files.map(fetchJSON)).then(function (lists) {
      var stopped = lists.pop(), running = lists.pop();
      var picked = matching(lists, running, stopped, withClosed);
      var found = picked.numbers.map(function (n) { return { data: function () { return cardOf(n); } }; });
      return answer(mine, found, countText(total, picked));
    }, failed);
  }

  /* The directory's answer on the page; then, if a visitor's change asked for it, said
     once they stop changing things (arrow keys in a drop-down change it at each press), or,
     after "Show services", focus on the count, the results' heading, which a screen reader
     reads out (and on a phone the filters fold away). */
  var announcing = false; // the next answer follows a visitor's change: say it
  var focusing = false; // the next answer follows "Show services": focus the count
  var saying = null; // the words waiting to be said
  function answer(mine, found, text) {
    return Promise.resolve(show(mine, found, text)).then(function () {
      if (mine !== asked) return;
      var chosen = document.getElementById("lo-filter-chosen");
      var made = chosenCount(chosenNow());
      if (chosen) chosen.textContent = made ? " (" + made + " chosen)" : "";
      clearTimeout(saying);
      if (focusing) {
        focusing = announcing = false;
        if (folds()) unfold(false); // they fold as focus leaves them (local-offer.css),
        count.focus(); // so none is lost, and the heading scrolls to where it then is
      } else if (announcing) {
        announcing = false;
        saying = setTimeout(function () {
          var said = document.getElementById("lo-said");
          if (said) said.textContent = toSay(said.textContent, text);
        }, 600);
      }
    });
  }

  // The Filter button shows only on a narrow screen (local-offer.css), where it folds the
  // filters away; on a wide one they always show.
  function filterButton() { return document.getElementById("lo-filter-button"); }
  function folds() { var b = filterButton(); return !!b && b.getClientRects().length > 0; }
  function unfold(open) { var b = filterButton(); if (b) b.setAttribute("aria-expanded", open ? "true" : "false"); }

  /* A change of filter replaces the page's place in the history rather than adding one, so
     Back leaves the directory in one step; the address still holds the choices, so a link
     to it (shared, bookmarked, or Back from a service) opens the same list. */
  function refine() {
    var query = queryOf(chosenNow());
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    announcing = true;
    clearTimeout(saying);
    ask();
  }

  // The directory's filter data (generator/search.py, directory_files): for each value,
  // the numbers of the services that have it, in the order a family needs them; cards SHARD a file.
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

  /* Each word of the question that is not a common one searched on its own, and merged
     (ranked): services in the area the question names (a town counts) first, those a
     family can contact themselves first of all; then the rest; services that are not
     running last of all; within each, those matching more of the words first. A place
     alone lists its area's services. */
  var MOST_WORDS = 8; // searched at once: a pasted paragraph does not fetch the index
  var FEW = 5; // results of a word read to know whether any is a service (unsure)
  function searchFor(pf, q) {
    var where = placeIn(q, places);
    var question = meaningful(wordsOf(where.rest));
    var words = question.words.slice(0, MOST_WORDS);
    var searches = words.map(function (w) { return pf.search(w); });
    if (where.area) {
      var here = tag(facts, "area", where.area);
      searches.push(pf.search(here + " " + tag(facts, "self", "yes")), pf.search(here));
    }
    searches.push(pf.search(tag(facts, "running", "no")));
    return Promise.all(searches).then(function (answers) {
      function ids(answer) {
        var found = {};
        answer.results.forEach(function (r) { found[r.id] = true; });
        return found;
      }
      var stopped = ids(answers.pop());
      var near = {};
      if (where.area) {
        var inArea = answers.pop(), first = answers.pop();
        inArea.results.forEach(function (r) { near[r.id] = 1; });
        first.results.forEach(function (r) { near[r.id] = 0; });
        if (!words.length) answers = [inArea];
      }
      var each = answers.map(function (answer, i) { return { word: words[i] || "", results: answer.results }; });
      var reported = question.reported.filter(function (w) { return words.indexOf(w) !== -1; });
      var found = ranked(each, stopped, near, reported);
      return Promise.all(unsure(each, reported, FEW).map(function (answer) {
        return Promise.all(answer.results.map(function (r) { return r.data(); })).then(function (pages) {
          return pages.some(function (d) { return d.meta && d.meta.id; }) ? "" : answer.word;
        });
      })).then(function (none) {
        found.unmatched = reported.filter(function (w) {
          return found.unmatched.indexOf(w) !== -1 || none.indexOf(w) !== -1;
        });
        return found;
      });
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

  // After a search (here, or asked from another page's box), focus goes to the count.
  var toCount = searching && !!new URLSearchParams(window.location.search).get("q");
  if (searching) form.addEventListener("submit", function () { toCount = true; });
  form.addEventListener("submit", function (event) { event.preventDefault(); commit(); });
  if (!searching) form.addEventListener("change", refine);
  var clear = document.getElementById("lo-clear");
  if (clear) clear.addEventListener("click", function (event) {
    event.preventDefault();
    form.reset();
    refine();
  });
  // The directory's "Show services", caught on its way down to the form (before the
  // listener above): the list for the choices, the history entry replaced, not added.
  if (!searching) document.addEventListener("submit", function (event) {
    if (event.target !== form) return;
    event.preventDefault();
    event.stopPropagation();
    refine();
    focusing = true;
  }, true);
  var toggle = filterButton();
  if (toggle) toggle.addEventListener("click", function () {
    unfold(toggle.getAttribute("aria-expanded") !== "true");
  });
  // A screen made narrow (a phone turned, a window resized) never folds away the filter
  // that has focus.
  window.addEventListener("resize", function () {
    if (folds() && form.contains(document.activeElement)) unfold(true);
  });
  more.addEventListener("click", function () { showMore(true); });
  window.addEventListener("popstate", function () { fromAddress(); ask(); });
  fromAddress();
  ask();
})();

// My list's own logic (shortlist.js), without a browser: which ids a list keeps, the
// address of a shared list, links made relative, a service page known by its address.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const list = require("../../theme/assets/javascripts/shortlist.js");

// The generator's facts (generator/search.py, facts), as tests/test_js_units.py gives
// them; run by hand (`node --test tests/js/`), a sample of them.
const FACTS = process.env.LO_FACTS
  ? JSON.parse(process.env.LO_FACTS)
  : { id: "^(?:[a-z0-9]+(-[a-z0-9]+)*)$", maxId: 60, service: "services/{id}/" };

test("an id is kept only if it meets the generator's rule", () => {
  const longest = "a".repeat(FACTS.maxId);
  for (const id of ["speech", "speech-2", "a-b-c", longest]) assert.ok(list.isId(id, FACTS), id);
  for (const id of ["", "-a", "a-", "a--b", "A", "a_b", "é", "a b", longest + "a", 7, null]) {
    assert.ok(!list.isId(id, FACTS), String(id));
  }
});

test("a list keeps each service once, in order, and no more than it can hold", () => {
  assert.deepEqual(list.clean(["b", "a", "b", "X", "c"], FACTS), ["b", "a", "c"]);
  const many = Array.from({ length: list.MAX_ITEMS + 5 }, (_, n) => "s" + n);
  assert.deepEqual(list.clean(many, FACTS), many.slice(0, list.MAX_ITEMS));
});

test("a shared list's address gives its ids, and is made from them", () => {
  assert.equal(list.sharedIds(""), null);
  assert.equal(list.sharedIds("?other=1"), null);
  assert.deepEqual(list.sharedIds("?services=a, b,,c"), ["a", "b", "", "c"]);
  const link = list.shareLink("https://example.org/offer/my-list/", ["a", "b"]);
  assert.equal(link, "https://example.org/offer/my-list/?services=a,b");
  assert.deepEqual(list.sharedIds(new URL(link).search), ["a", "b"]);
});

test("links to the site's pages are relative to the page they are on", () => {
  const to = (path) => new URL(path, "https://example.org");
  assert.equal(list.relative("/offer/my-list/", to("/offer/services/a/")), "../services/a/");
  assert.equal(list.relative("/offer/services/", to("/offer/my-list/")), "../my-list/");
  assert.equal(list.relative("/offer/", to("/offer/my-list/?services=a#top")), "my-list/?services=a#top");
  assert.equal(list.relative("/offer/my-list/", to("/offer/my-list/")), "./");
});

test("a service's page is known by its address under the site's root", () => {
  assert.equal(list.serviceAt("/offer/services/speech/", "/offer/", FACTS), "speech");
  assert.equal(list.serviceAt("/services/speech/", "/", FACTS), "speech");
  assert.equal(list.serviceAt("/offer/services/", "/offer/", FACTS), null);
  assert.equal(list.serviceAt("/offer/services/Bad_Id/", "/offer/", FACTS), null);
  assert.equal(list.serviceAt("/other/services/speech/", "/offer/", FACTS), null);
  assert.equal(list.serviceAt("/offer/my-list/", "/offer/", FACTS), null);
});

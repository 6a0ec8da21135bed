// The directory's and search's own logic (local-offer-find.js), without a browser: the
// filter state in the address, the lists intersected, the generator's patterns filled.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const find = require("../../theme/assets/javascripts/local-offer-find.js");

const OFFERED = { age: ["", "3", "4"], area: ["", "north"], self: ["yes"], q: null };

test("the address's query gives the form's choices, and only those the form offers", () => {
  assert.deepEqual(find.choicesFrom("?area=north&age=4&self=yes&q=speech", OFFERED),
    { age: "4", area: "north", self: "yes", q: "speech" });
  assert.deepEqual(find.choicesFrom("?area=atlantis&age=99&self=no&other=x", OFFERED),
    { age: "", area: "", self: "", q: "" });
  assert.deepEqual(find.choicesFrom("", OFFERED), { age: "", area: "", self: "", q: "" });
});

test("the choices made, and only they, go back into the address in the form's order", () => {
  assert.equal(find.queryOf({ age: "4", area: "", self: "yes" }), "age=4&self=yes");
  assert.equal(find.queryOf({ q: "speech & language" }), "q=speech+%26+language");
  assert.equal(find.queryOf({ age: "", area: "" }), "");
  const chosen = { age: "3", area: "north", self: "yes", q: "" };
  assert.deepEqual(find.choicesFrom("?" + find.queryOf(chosen), OFFERED), chosen);
});

test("two ascending lists: both keeps the numbers in each, either those in one", () => {
  assert.deepEqual(find.both([1, 3, 5, 7], [2, 3, 7, 8]), [3, 7]);
  assert.deepEqual(find.both([], [1, 2]), []);
  assert.deepEqual(find.either([1, 3, 7], [2, 3, 8]), [1, 2, 3, 7, 8]);
  assert.deepEqual(find.either([], [4]), [4]);
});

test("the services listed match every choice, and are running unless asked", () => {
  const running = [0, 1, 3, 4], stopped = [2, 5];
  assert.deepEqual(find.matching([[0, 2, 3, 5], [2, 3, 5]], running, stopped, false),
    { numbers: [3], hidden: 2 });
  assert.deepEqual(find.matching([[0, 2, 3, 5], [2, 3, 5]], running, stopped, true),
    { numbers: [2, 3, 5], hidden: 0 });
  // "Also show services that are not running" alone: every service.
  assert.deepEqual(find.matching([], running, stopped, true),
    { numbers: [0, 1, 2, 3, 4, 5], hidden: 0 });
});

test("the generator's patterns and search words are filled as it writes them", () => {
  assert.equal(find.fill("filters/{key}-{value}.json", { key: "area", value: "north" }),
    "filters/area-north.json");
  assert.equal(find.fill("services/{id}/", { id: "speech", title: "Speech" }), "services/speech/");
  const facts = { tag: "lo", tagDrop: "[^a-z0-9]" };
  assert.equal(find.tag(facts, "area", "castle-point"), "loareacastlepoint");
  assert.equal(find.tag(facts, "self", "yes"), "loselfyes");
});

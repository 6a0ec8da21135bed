// The directory's filters on a phone (local-offer-find.js), without a browser: what the
// count says, how many choices the Filter button reports, and words said again.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const find = require("../../theme/assets/javascripts/local-offer-find.js");

test("with no choice made the count states the total the page gives", () => {
  assert.equal(find.countText("25 services", null), "25 services");
  assert.equal(find.countText("1 service", null), "1 service");
});

test("with choices the count says how many services match them all", () => {
  assert.equal(find.countText("25 services", { numbers: [3, 7, 9], hidden: 0 }),
    "3 services match all your choices.");
  assert.equal(find.countText("25 services", { numbers: [4], hidden: 0 }),
    "1 service matches all your choices.");
  assert.equal(find.countText("25 services", { numbers: [], hidden: 0 }),
    "No services match all your choices. Try removing one of them.");
});

test("matching services left out as not running are counted apart", () => {
  assert.equal(find.countText("25 services", { numbers: [1, 2], hidden: 1 }),
    "2 services match all your choices. Not shown: 1 service not running at the moment.");
  assert.equal(find.countText("25 services", { numbers: [], hidden: 2 }),
    "No services match all your choices. Try removing one of them. " +
    "Not shown: 2 services not running at the moment.");
});

test("the choices counted are those made, whatever the field", () => {
  assert.equal(find.chosenCount({ age: "4", area: "", self: "yes", cost: "" }), 2);
  assert.equal(find.chosenCount({ age: "", area: "" }), 0);
  assert.equal(find.chosenCount({}), 0);
  assert.equal(find.chosenCount({ age: "0" }), 1); // "0 years" is a choice
});

test("the same words again are made to differ, so a screen reader says them again", () => {
  const once = find.toSay("", "3 services match all your choices.");
  assert.equal(once, "3 services match all your choices.");
  const twice = find.toSay(once, "3 services match all your choices.");
  assert.notEqual(twice, once);
  assert.equal(twice.trim(), once);
  assert.equal(find.toSay(twice, "3 services match all your choices."), once);
  assert.equal(find.toSay(once, "No services match all your choices."),
    "No services match all your choices.");
});

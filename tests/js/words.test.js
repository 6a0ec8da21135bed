// Search in families' words (local-offer-find.js), without a browser: a question split
// into words, its common words dropped, the answers to each word merged and ranked, and
// the words that found no service said plainly.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const find = require("../../theme/assets/javascripts/local-offer-find.js");

test("a question's words: lower case, each once, hyphens and apostrophes kept within", () => {
  assert.deepEqual(find.wordsOf("3 year old not talking"), ["3", "year", "old", "not", "talking"]);
  assert.deepEqual(find.wordsOf("My son won’t eat!"), ["my", "son", "won't", "eat"]);
  assert.deepEqual(find.wordsOf("my child's speech, my child's words"), ["my", "child", "speech", "words"]);
  assert.deepEqual(find.wordsOf("  non-verbal 3-year-old -- 'autism' "), ["non-verbal", "3-year-old", "autism"]);
  assert.deepEqual(find.wordsOf("Stammer/STUTTER"), ["stammer", "stutter"]);
  assert.deepEqual(find.wordsOf(""), []);
});

test("common words, numbers and negatives are dropped from what must match", () => {
  for (const word of ["my", "not", "old", "year", "with", "3", "18months", "won't", "can't",
    "doesn't", "3-year-old", "son", "daughter", "help", "problems"]) {
    assert.ok(find.isCommon(word), word);
  }
  for (const word of ["talking", "speech", "delay", "late", "stutters", "autistic", "eat",
    "sit", "still", "school", "clumsy", "non-verbal", "self-care", "wheelchair"]) {
    assert.ok(!find.isCommon(word), word);
  }
  assert.deepEqual(find.meaningful(find.wordsOf("3 year old not talking")),
    { words: ["talking"], reported: ["talking"] });
  assert.deepEqual(find.meaningful(find.wordsOf("can't sit still at school")),
    { words: ["sit", "still", "school"], reported: ["sit", "still", "school"] });
  // A question of common words only is searched by them, but never reported as unfound.
  assert.deepEqual(find.meaningful(["help", "my", "3"]), { words: ["help", "my"], reported: [] });
});

test("a place named in the question is found, the longest name first, and taken out", () => {
  const places = { southend: "southend", "southend-on-sea": "southend", grays: "thurrock",
    "castle point": "essex" };
  assert.deepEqual(find.placeIn("Speech therapy Southend-on-Sea", places),
    { area: "southend", rest: "speech therapy" });
  assert.deepEqual(find.placeIn("clumsy, Castle Point", places), { area: "essex", rest: "clumsy" });
  assert.deepEqual(find.placeIn("Grays", places), { area: "thurrock", rest: "" });
  assert.deepEqual(find.placeIn("graystone", places), { area: null, rest: "graystone" });
});

function answer(word, ...ids) {
  return { word, results: ids.map(([id, score]) => ({ id, score })) };
}

test("results are ranked by how many of the words they match, then by Pagefind's score", () => {
  const got = find.ranked([
    answer("speech", ["a", 1], ["b", 5], ["page", 9]),
    answer("delay", ["b", 1], ["c", 3], ["page", 2]),
  ], {}, {}, ["speech", "delay"]);
  // The page (11) and b (6) match both words; then c (3) before a (1).
  assert.deepEqual(got.results.map((r) => r.id), ["page", "b", "c", "a"]);
  assert.deepEqual(got.unmatched, []);
});

test("the area asked for comes first, self-referral first of all; not running last", () => {
  const got = find.ranked([
    answer("talking", ["far", 9], ["closed", 9], ["near", 1], ["nearSelf", 1]),
    answer("late", ["far", 9], ["closed", 9], ["near", 1]),
  ], { closed: true }, { near: 1, nearSelf: 0, closed: 0 }, ["talking", "late"]);
  assert.deepEqual(got.results.map((r) => r.id), ["nearSelf", "near", "far", "closed"]);
});

test("the words that found nothing are reported, and only those asked to be", () => {
  const got = find.ranked([
    answer("talking", ["a", 1]),
    answer("zebra"),
    answer("yak"),
  ], {}, {}, ["talking", "zebra", "yak"]);
  assert.deepEqual(got.results.map((r) => r.id), ["a"]);
  assert.deepEqual(got.unmatched, ["zebra", "yak"]);
  // Words not reported (common ones searched for want of others) never are.
  assert.deepEqual(find.ranked([answer("help")], {}, {}, []), { results: [], unmatched: [] });
});

test("a word that found only a few pages is checked: Pagefind gives pages of a part of it", () => {
  const answers = [answer("talking", ["a", 1], ["b", 1], ["c", 1]), answer("zebra", ["home", 1]),
    answer("year", ["a", 1], ["b", 1]), answer("yak")];
  assert.deepEqual(find.unsure(answers, ["talking", "zebra", "yak"], 2).map((a) => a.word), ["zebra"]);
  assert.deepEqual(find.unsure(answers, ["talking", "zebra"], 3).map((a) => a.word), ["talking", "zebra"]);
});

test("the words that found nothing are said plainly", () => {
  assert.equal(find.nothingFor([]), "");
  assert.equal(find.nothingFor(["year"]), "No service mentions “year”.");
  assert.equal(find.nothingFor(["toddler", "zebra"]), "No service mentions “toddler” or “zebra”.");
  assert.equal(find.nothingFor(["a", "b", "c"]), "No service mentions “a”, “b” or “c”.");
});

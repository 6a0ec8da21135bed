// ESLint for the site's own scripts (theme/assets/javascripts/), run by `make lint`, and
// their unit tests (tests/js/).
// ESLint and its two packages are installed by `make lint` into build/eslint/ at the
// versions the Makefile pins, so they are imported from there.
import js from "./build/eslint/node_modules/@eslint/js/src/index.js";
import globals from "./build/eslint/node_modules/globals/index.js";

export default [
  js.configs.recommended,
  {
    files: ["theme/assets/javascripts/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script", // plain scripts, loaded by <script src>, as the CSP requires
      // `module`: loaded by Node, a script gives its pure parts to its unit tests.
      globals: { ...globals.browser, module: "readonly" },
    },
    rules: {
      "no-unused-vars": ["error", { caughtErrors: "none" }], // catch (e) {} on purpose
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-var": "off",
    },
  },
  {
    files: ["tests/js/*.js"], // the scripts' unit tests, run by `node --test tests/js/`
    languageOptions: { ecmaVersion: 2022, sourceType: "commonjs", globals: { ...globals.node } },
  },
];

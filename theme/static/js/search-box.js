/* newsarchive header search box. Tiny and deferred: it loads nothing until the box is used;
 * on first focus or input it loads lunr, the tokenizer, the engine and the UI, which then show
 * results as you type. Submitting the form opens search.html?q=… (which works without this). */
(function () {
  "use strict";
  var me = document.currentScript;
  var root = (me && me.getAttribute("data-root")) || "./";
  var input = document.getElementById("site-search-q");
  if (!input) return;
  var files = ["search/lunr.min.js", "theme/js/search-tokenizer.js",
    "theme/js/search-engine.js", "theme/js/search-passage.js", "theme/js/search-ui.js"];
  var loading = null;

  function addScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(s);
    });
  }

  function start() {
    if (!loading) {
      loading = files.reduce(function (p, f) {
        return p.then(function () {
          var name = f.split("/").pop();
          var present = { "lunr.min.js": "lunr", "search-tokenizer.js": "naSearchTokenizer",
            "search-engine.js": "naSearchEngine", "search-passage.js": "naSearchPassage",
            "search-ui.js": "naSearchUI" }[name];
          return window[present] ? null : addScript(root + f);
        });
      }, Promise.resolve()).then(function () {
        window.naSearchUI.attachBox(input, root);
      });
    }
    return loading;
  }

  input.addEventListener("focus", start, { once: true });
  input.addEventListener("input", start, { once: true });
  if (document.activeElement === input) start();
})();

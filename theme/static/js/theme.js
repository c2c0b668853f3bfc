/* newsarchive theme: the light/dark toggle (remembered) and sorting of tag/source/author lists.
   The page works without it: colours follow the system and lists are sorted by name. */
(function () {
  "use strict";
  var KEY = "newsarchive-theme";
  var root = document.documentElement;
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function current() {
    var chosen = root.getAttribute("data-theme");
    if (chosen === "dark" || chosen === "light") return chosen;
    return media && media.matches ? "dark" : "light";
  }

  function remember(value) {
    try { localStorage.setItem(KEY, value); } catch (e) { /* storage may be off: not remembered */ }
  }

  // The toggle is made here, not in the page: without this script it could do nothing, and
  // every page is some 230 bytes lighter.
  function setUpToggle() {
    var tools = document.querySelector(".site-tools");
    if (!tools) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "theme-toggle";
    button.innerHTML = '<span class="icon icon-moon" aria-hidden="true"></span>' +
      '<span class="icon icon-sun" aria-hidden="true"></span>' +
      '<span class="visually-hidden">深色模式</span>';
    function show() {
      var dark = current() === "dark";
      button.setAttribute("aria-pressed", dark ? "true" : "false");
      button.title = dark ? "改用浅色" : "改用深色";
    }
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      remember(next);
      show();
    });
    if (media && media.addEventListener) media.addEventListener("change", show);
    show();
    tools.appendChild(button);
  }

  function setUpSorting() {
    var controls = document.querySelectorAll(".term-sort");
    Array.prototype.forEach.call(controls, function (box) {
      var list = document.getElementById(box.getAttribute("data-for"));
      if (!list) return;
      var items = Array.prototype.slice.call(list.children);
      var buttons = box.querySelectorAll("button[data-sort]");
      function sortBy(key) {
        var sorted = items.slice().sort(function (a, b) {
          if (key === "count") {
            var d = Number(b.getAttribute("data-count")) - Number(a.getAttribute("data-count"));
            if (d) return d;
          }
          return items.indexOf(a) - items.indexOf(b); // the built order is by name
        });
        sorted.forEach(function (li) { list.appendChild(li); });
        Array.prototype.forEach.call(buttons, function (b) {
          b.setAttribute("aria-pressed", b.getAttribute("data-sort") === key ? "true" : "false");
        });
      }
      Array.prototype.forEach.call(buttons, function (b) {
        b.addEventListener("click", function () { sortBy(b.getAttribute("data-sort")); });
      });
      box.hidden = false;
    });
  }

  setUpToggle();
  setUpSorting();
})();

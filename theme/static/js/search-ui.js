//# allFunctionsCalledOnLoad
/* newsarchive search UI: the header box's results-as-you-type list and the results page
 * (search.html?q=…) with highlighting, filters (publisher, year, tag), ordering, paging and
 * keyboard navigation; every result shows the passage where the query's terms occur. Needs lunr,
 * naSearchTokenizer, naSearchEngine and naSearchPassage loaded first. */
(function (root) {
  "use strict";
  var Engine = root.naSearchEngine, Passage = root.naSearchPassage;
  var engines = {};
  var PAGE = 10, BOX_RESULTS = 8, DEBOUNCE_MS = 120, BOX_PASSAGE = { min: 30, max: 70 };
  // The results a first screen shows have their documents requested first, the rest of the
  // page's once these are painted. From file:// each script file costs some 5-10 ms and Chromium
  // runs scripts requested together almost all at the end, so asking for all ten at once made
  // the first screen wait for the tenth. How many: the window's height below the list's top over
  // RESULT_PX, a result's usual least height (title, date, a line or two of passage, tags: 150-
  // 200 px at 1280 px, more on a phone), so 3 at 1280×720 and 2 on a 375×667 phone.
  var RESULT_PX = 150;

  /** How many results the window can show below `list` (at least 1, at most a page). */
  function firstScreen(list) {
    var below = (root.innerHeight || 0) - list.getBoundingClientRect().top;
    return Math.max(1, Math.min(PAGE, Math.ceil(below / RESULT_PX)));
  }

  function engineFor(base) {
    return engines[base] || (engines[base] = Engine.createEngine(Engine.scriptLoader(base)));
  }

  var esc = Passage.esc;

  function debounce(fn, ms) {
    var t = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  /** `text` as HTML with the query's matches in <mark> (see search-passage.js). */
  function highlight(text, rewritten, fold) {
    return Passage.highlight(text, rewritten, fold);
  }

  /** A promise resolved after the browser has painted what is on the page now (or 100 ms, for
   * pages that are not drawn). */
  function afterPaint() {
    return new Promise(function (resolve) {
      var timer = setTimeout(resolve, 100);
      requestAnimationFrame(function () { clearTimeout(timer); setTimeout(resolve, 0); });
    });
  }

  /** The document of result `r` with its passage for the query (doc.cut): cut from the text's
   * head, or from the whole text when the body matched but the head has no match (or, for a
   * result with every word, no passage holding them all). */
  function docWithPassage(engine, r, found, box) {
    var rewritten = found.rewritten, fold = found.meta.foldMap, options = box ? BOX_PASSAGE : null;
    var body = found.meta.fieldNames.indexOf("body");
    return engine.doc(+r.ref).then(function (doc) {
      var cut = Passage.passage(doc.text, rewritten, fold, options);
      var better = cut.matched ? r.all && cut.words < cut.wanted : (r.fields >> body) & 1;
      if (!doc.more || !better) return Object.assign({ cut: cut }, doc);
      return engine.fullText(doc).then(function (text) {
        var whole = Passage.passage(text, rewritten, fold, options);
        return Object.assign({}, doc, { cut: whole.words > cut.words ? whole : cut });
      });
    });
  }

  /** A result as HTML, laid out as the home page's article list: title link, publisher and
   * date, the passage where the query's terms occur (its lead when only the title matched),
   * tags. In the header box (`box`, an option of a listbox): a shorter passage, no tags and no
   * links (the option opens the article). */
  function resultHtml(doc, found, base, box) {
    var rewritten = found.rewritten, fold = found.meta.foldMap, pub = doc.publisher || [];
    var cut = doc.cut;
    var title = box ? '<span class="search-result-title">' + highlight(doc.title, rewritten, fold) + "</span>" :
      '<a class="search-result-title" href="' + esc(base + doc.url) + '">' + highlight(doc.title, rewritten, fold) + "</a>";
    var source = !pub[1] ? "" : box || !pub[2] ? '<span class="entry-source">' + esc(pub[1]) + "</span>" :
      '<a class="entry-source" href="' + esc(base + pub[2]) + '">' + esc(pub[1]) + "</a>";
    var html = (box ? title : '<h2 class="entry-title">' + title + "</h2>") +
      '<p class="entry-meta search-result-meta">' + source +
      '<span class="entry-date"><time datetime="' + esc(doc.date) + '">' + esc(doc.date) + "</time></span></p>" +
      '<p class="search-result-excerpt' + (cut.matched ? "" : " search-result-lead") + '">' + cut.html + "</p>";
    if (!box && doc.tags.length) {
      html += '<ul class="tag-list" aria-label="标签">' + doc.tags.map(function (t) {
        return "<li>" + (t[1] ? '<a href="' + esc(base + t[1]) + '" rel="tag">' + esc(t[0]) + "</a>" :
          "<span>" + esc(t[0]) + "</span>") + "</li>";
      }).join("") + "</ul>";
    }
    return box ? html : "<article>" + html + "</article>";
  }

  /** Results as you type under the header box; arrows choose, Enter opens, Esc closes. */
  function attachBox(input, base) {
    if (input.naSearchAttached) return;
    input.naSearchAttached = true;
    var engine = engineFor(base), seq = 0, active = -1;
    var list = document.createElement("ul");
    list.id = "site-search-list";
    list.className = "search-box-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "搜索结果");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("autocomplete", "off");

    function options() { return list.querySelectorAll("li"); }
    function setActive(i) {
      var opts = options();
      active = opts.length && i >= 0 ? i % opts.length : -1; // -1: none
      opts.forEach(function (o, k) { o.setAttribute("aria-selected", k === active ? "true" : "false"); });
      if (active >= 0) input.setAttribute("aria-activedescendant", opts[active].id);
      else input.removeAttribute("aria-activedescendant");
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }
    function searchUrl(q) { return base + "search.html?q=" + encodeURIComponent(q); }

    /** Show the results as their documents arrive, in rank order; the link to the results
     * page last. */
    var run = debounce(function () {
      var q = input.value.trim(), mine = ++seq;
      if (!q) { close(); return; }
      engine.search(q).then(function (found) {
        if (mine !== seq) return;
        var top = found.results.slice(0, BOX_RESULTS), docs = new Array(top.length), next = 0;
        var all = null;
        // the previous results stay until the first of these is ready
        function showReady() {
          var html = "";
          for (; next < top.length && docs[next]; next++) {
            html += '<li role="option" id="site-search-opt-' + next + '" aria-selected="false" data-href="' +
              esc(base + docs[next].url) + '">' +
              resultHtml(docs[next], found, base, true) + "</li>";
          }
          if (all && html) all.insertAdjacentHTML("beforebegin", html);
          if (all || (!html && top.length)) return;
          list.innerHTML = html + '<li role="option" id="site-search-opt-all" aria-selected="false" data-href="' +
            esc(searchUrl(q)) + '">' + (found.results.length ? "全部 " + found.results.length +
              " 条结果 →" : "没有找到“" + esc(q) + "”，打开搜索页 →") + "</li>";
          all = list.lastChild;
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
          setActive(-1);
        }
        showReady();
        return Promise.all(top.map(function (r, i) {
          return docWithPassage(engine, r, found, true).then(function (doc) {
            if (mine !== seq) return;
            docs[i] = doc;
            showReady();
          });
        })).then(function () {
          if (mine === seq) document.documentElement.setAttribute("data-search-done", String(mine));
        });
      }).catch(function (e) {
        if (mine === seq) { list.innerHTML = "<li>搜索出错：" + esc(e.message) + "</li>"; list.hidden = false; }
      });
    }, DEBOUNCE_MS);

    input.addEventListener("input", run);
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); setActive(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); setActive(active < 0 ? options().length - 1 : active - 1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        root.location.href = options()[active].getAttribute("data-href");
      }
    });
    list.addEventListener("click", function (e) {
      var option = e.target.closest("li[data-href]");
      if (option) root.location.href = option.getAttribute("data-href");
    });
    document.addEventListener("click", function (e) {
      if (e.target !== input && !list.contains(e.target)) close();
    });
    engine.meta(); // the box is being used: fetch the index's small meta file now
    if (input.value.trim()) run();
  }

  /* ---- the results page ---- */

  /** Each document's year: {names: ["2019", …], of: Uint8Array (document id → index in names)}. */
  function yearsOf(meta) {
    if (!meta.yearOf) {
      var names = Object.keys(meta.years).sort(), of = new Uint8Array(meta.n);
      names.forEach(function (y, k) {
        meta.years[y].forEach(function (r) { of.fill(k, r[0], r[1]); });
      });
      meta.yearOf = { names: names, of: of };
    }
    return meta.yearOf;
  }

  /** Fill a filter's options [value, label, count]; `value` is selected (added, with 0, when
   * not among them). */
  function fillSelect(select, allLabel, entries, value) {
    if (value && !entries.some(function (e) { return e[0] === value; })) {
      entries = entries.concat([[value, value, 0]]);
    }
    select.innerHTML = '<option value="">' + esc(allLabel) + "</option>" + entries.map(function (e) {
      return '<option value="' + esc(e[0]) + '"' + (e[0] === value ? " selected" : "") + ">" +
        esc(e[1]) + " (" + e[2] + ")</option>";
    }).join("");
    select.value = value || "";
  }

  function initPage(page) {
    var base = page.getAttribute("data-root") || "./";
    var engine = engineFor(base);
    var $ = function (id) { return document.getElementById(id); };
    var input = $("search-page-q"), status = $("search-status"), list = $("search-results");
    var more = $("search-more"), controls = $("search-controls"), empty = $("search-empty");
    var sel = { source: $("search-source"), year: $("search-year"), tag: $("search-tag"), order: $("search-order") };
    var keys = ["source", "year", "tag", "order"];
    if ($("search-original")) { sel.original = $("search-original"); keys.push("original"); } // with a status file
    var params = new URLSearchParams(root.location.search);
    input.value = params.get("q") || "";
    var filters = {}; // the filters chosen: {source, year, tag, order}, from the address too
    keys.forEach(function (k) { filters[k] = sel[k].value = params.get(k) || ""; });
    var state = { seq: 0, shown: 0, rows: [], found: null };

    function setUrl() {
      var p = new URLSearchParams();
      if (input.value.trim()) p.set("q", input.value.trim());
      keys.forEach(function (k) { if (filters[k]) p.set(k, filters[k]); });
      var qs = p.toString();
      try { root.history.replaceState(null, "", (qs ? "?" + qs : root.location.pathname.split("/").pop())); } catch (e) { /* file:// */ }
    }

    /** Show the next page of results. Their document chunks are requested in rank order, and
     * each result appears as soon as its chunk and those of the results above it have loaded. */
    function showPage() {
      var from = state.shown, slice = state.rows.slice(from, from + PAGE);
      var mine = state.seq, found = state.found, docs = new Array(slice.length), next = 0;
      state.shown += slice.length;
      more.hidden = true;
      function showReady() {
        var html = "";
        for (; next < slice.length && docs[next]; next++) {
          var r = slice[next], at = from + next;
          if (!r.all && (at === 0 || state.rows[at - 1].all)) {
            html += '<li class="search-partial-note">以下结果只包含部分词语：</li>';
          }
          html += '<li class="entry search-result' + (r.all ? "" : " search-result-partial") + '">' +
            resultHtml(docs[next], found, base, false) + "</li>";
        }
        if (html) list.insertAdjacentHTML("beforeend", html);
      }
      function load(r, i) {
        return docWithPassage(engine, r, found, false).then(function (doc) {
          if (mine !== state.seq) return;
          docs[i] = doc;
          showReady();
        });
      }
      var first = from === 0 ? state.firstScreen : slice.length;
      // the rest of the page once the first screen is painted: their scripts and passages
      // would otherwise run before that frame
      return Promise.all(slice.slice(0, first).map(load)).then(from === 0 ? afterPaint : null).then(function () {
        if (mine !== state.seq) return; // a newer query: its documents go first
        return Promise.all(slice.slice(first).map(function (r, k) { return load(r, first + k); }));
      }).then(function () {
        if (mine !== state.seq) return;
        more.hidden = state.shown >= state.rows.length;
        document.documentElement.setAttribute("data-search-done", String(mine));
      });
    }

    /** The tag filter's options: the tags of the results, with their counts. */
    function fillTags(found, tags) {
      var inResults = new Uint8Array(found.meta.n), entries = [];
      found.results.forEach(function (r) { inResults[+r.ref] = 1; });
      tags.forEach(function (t) {
        var ids = t[1], count = 0;
        for (var i = 0; i < ids.length; i++) count += inResults[ids[i]];
        if (count) entries.push([t[0], t[0], count]);
      });
      fillSelect(sel.tag, "全部标签", entries, filters.tag);
      sel.tag.parentNode.hidden = !found.meta.tags;
    }

    /** The publisher and year filters' options, with their counts among the results. */
    function fillFilters(found) {
      var meta = found.meta, years = yearsOf(meta), results = found.results;
      var bySource = new Int32Array(meta.publishers.length), byYear = new Int32Array(years.names.length);
      for (var i = 0; i < results.length; i++) {
        var ref = +results[i].ref;
        bySource[Engine.publisherIndex(meta, ref)]++;
        byYear[years.of[ref]]++;
      }
      var sources = [], yearList = [];
      meta.publishers.forEach(function (p, k) {
        if (bySource[k] || p[0] === filters.source) sources.push([p[0], p[1], bySource[k]]);
      });
      years.names.forEach(function (y, k) { if (byYear[k]) yearList.unshift([y, y, byYear[k]]); });
      fillSelect(sel.source, "全部来源", sources, filters.source);
      fillSelect(sel.year, "全部年份", yearList, filters.year);
      fillTags(found, meta.tagSets || []);
    }

    /** The results the filters keep, in the order chosen. */
    function filteredRows(found) {
      var meta = found.meta;
      var rows = found.results; // [{ref: "id", score, all}]
      if (filters.source || filters.year || filters.tag || filters.original) {
        var years = yearsOf(meta), tagSet = new Uint8Array(meta.n), goneSet = new Uint8Array(meta.n);
        if (filters.original && meta.gone) Engine.decodeIds(meta.gone).forEach(function (id) { goneSet[id] = 1; });
        (meta.tagSets || []).forEach(function (t) {
          if (t[0] === filters.tag) t[1].forEach(function (id) { tagSet[id] = 1; });
        });
        rows = rows.filter(function (r) {
          var ref = +r.ref;
          return (!filters.source || meta.publishers[Engine.publisherIndex(meta, ref)][0] === filters.source) &&
            (!filters.year || years.names[years.of[ref]] === filters.year) && (!filters.tag || tagSet[ref]) &&
            (!filters.original || goneSet[ref]);
        });
      }
      if (filters.order === "newest" || filters.order === "oldest") {
        var dir = filters.order === "newest" ? -1 : 1;
        rows = rows.slice().sort(function (a, b) { return (b.all - a.all) || dir * (a.ref - b.ref); });
      }
      return rows;
    }

    /** Show the results of state.found: the count and the first page; once that is painted,
     * the filters' counts (and the tag lists, loaded then). */
    function render() {
      var found = state.found, meta = found.meta, mine = state.seq;
      var tagsLater = meta.tags && !meta.tagSets;
      // tag document lists load once the first page is painted (before, when filtering by
      // tag), so they do not compete with the results' document chunks
      if (tagsLater && filters.tag) {
        return engine.tags().then(function () { if (mine === state.seq) return render(); });
      }
      var rows = filteredRows(found), nAll = 0;
      for (var i = 0; i < rows.length; i++) nAll += rows[i].all ? 1 : 0;
      status.textContent = rows.length ? "找到 " + rows.length + " 篇文章" +
        (nAll < rows.length ? "（" + nAll + " 篇包含全部词语）" : "") :
        "没有找到包含“" + input.value.trim() + "”的文章。";
      empty.hidden = rows.length > 0;
      empty.querySelector(".search-empty-none").hidden = false;
      empty.querySelector(".search-empty-start").hidden = true;
      controls.hidden = found.results.length === 0;
      sel.tag.parentNode.hidden = !meta.tags;
      list.innerHTML = "";
      state.rows = rows;
      state.shown = 0;
      state.firstScreen = firstScreen(list);
      var shown = showPage();
      // then the filters' counts, and the tag lists (unless loaded) for the tag filter's
      shown.then(afterPaint).then(function () {
        if (mine !== state.seq) return;
        fillFilters(found);
        if (tagsLater) {
          return engine.tags().then(function () { if (mine === state.seq) fillTags(found, meta.tagSets); });
        }
      }).catch(function () { /* an error is shown by run() */ });
      return shown;
    }

    function run() {
      var q = input.value.trim(), mine = ++state.seq;
      if (!q) {
        setUrl();
        list.innerHTML = "";
        status.textContent = "";
        controls.hidden = true;
        more.hidden = true;
        empty.hidden = false;
        empty.querySelector(".search-empty-none").hidden = true;
        empty.querySelector(".search-empty-start").hidden = false;
        return Promise.resolve();
      }
      status.textContent = "正在搜索…";
      // the first screen's documents are requested as soon as the engine knows them, before the
      // results are sorted and counted (unless filters or another order choose what comes first)
      var top = filters.source || filters.year || filters.tag || filters.order || filters.original ? null : {
        count: state.firstScreen,
        found: function (ids) { ids.forEach(function (id) { engine.doc(id).catch(function () {}); }); }
      };
      return engine.search(q, top).then(function (found) {
        if (mine !== state.seq) return;
        state.found = found;
        return render();
      }).catch(function (e) {
        if (mine === state.seq) status.textContent = "搜索出错：" + e.message;
      }).then(afterPaint).then(function () {
        if (mine === state.seq) setUrl(); // the address bar follows once the results are shown
      });
    }

    var runSoon = debounce(run, DEBOUNCE_MS);
    input.addEventListener("input", runSoon);
    page.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); run(); });
    keys.forEach(function (k) {
      sel[k].addEventListener("change", function () {
        filters[k] = sel[k].value;
        setUrl();
        if (state.found) { state.seq++; render(); }
      });
    });
    more.addEventListener("click", function () {
      showPage().catch(function (e) { status.textContent = "搜索出错：" + e.message; });
    });

    function links() { return Array.prototype.slice.call(list.querySelectorAll("a.search-result-title")); }
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && links().length) { e.preventDefault(); links()[0].focus(); }
    });
    list.addEventListener("keydown", function (e) {
      var ls = links(), i = ls.indexOf(document.activeElement);
      if (i < 0) return;
      if (e.key === "ArrowDown" && i + 1 < ls.length) { e.preventDefault(); ls[i + 1].focus(); }
      else if (e.key === "ArrowUp") { e.preventDefault(); (i > 0 ? ls[i - 1] : input).focus(); }
      else if (e.key === "Escape") { input.focus(); }
    });
    // how many results the first screen shows, laid out as it will be with results (the start
    // text hidden, the filters shown); measured again whenever results are listed
    var was = [empty.hidden, controls.hidden];
    empty.hidden = true;
    controls.hidden = false;
    state.firstScreen = firstScreen(list);
    empty.hidden = was[0];
    controls.hidden = was[1];
    page.classList.add("search-ready");
    engine.meta();
    return run();
  }

  root.naSearchUI = { attachBox: attachBox, initPage: initPage, highlight: highlight, engineFor: engineFor };

  var page = document.getElementById("search-page");
  if (page) initPage(page);
})(self);

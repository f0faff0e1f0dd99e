// pactgraph search page: ranks the site's resources with MiniSearch (bundled with the site
// under vendor/minisearch/): a name that is the whole search first, then another name (alias),
// then a word; people, places and organisations before claims. Without MiniSearch (or without
// scripts) the page lists every resource and this script filters it by substring.
(function () {
  "use strict";
  var list = document.getElementById("search-results");
  var input = document.getElementById("search-page-input");
  var status = document.getElementById("search-status");
  var docs = JSON.parse(document.getElementById("search-index").textContent);
  var items = Array.prototype.slice.call(list.querySelectorAll("li"));
  // the page's words in its language (filled from the site's catalogues)
  var words = JSON.parse(document.getElementById("search-words").textContent);
  function say(key, values) {
    return words[key].replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    });
  }

  function normal(text) {
    return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
  }

  var index = null;
  if (typeof window.MiniSearch === "function") {
    index = new window.MiniSearch({
      fields: ["labels", "aliases", "words"],
      extractField: function (doc, field) {
        var value = doc[field];
        return Array.isArray(value) ? value.join(" ; ") : value;
      },
      searchOptions: {
        boost: { labels: 4, aliases: 2, words: 1 },
        prefix: true,
        fuzzy: function (term) { return term.length > 4 ? 0.2 : 0; },
        combineWith: "AND"
      }
    });
    index.addAll(docs);
  }

  // 0: a name is the whole search; 1: another name (alias) is; 2: a name starts with it;
  // 3: words match
  function tier(doc, wanted) {
    if (doc.labels.some(function (l) { return normal(l) === wanted; })) { return 0; }
    if (doc.aliases.some(function (l) { return normal(l) === wanted; })) { return 1; }
    if (doc.labels.concat(doc.aliases).some(function (l) { return normal(l).indexOf(wanted) === 0; })) { return 2; }
    return 3;
  }

  function ranked(query) {
    var wanted = normal(query);
    var found;
    if (index !== null) {
      found = index.search(query).map(function (r) { return { doc: docs[r.id], score: r.score }; });
    } else {
      var words = wanted.split(" ");
      found = docs.filter(function (doc) {
        var haystack = items[doc.id].getAttribute("data-search") || "";
        return words.every(function (w) { return haystack.indexOf(w) >= 0; });
      }).map(function (doc) { return { doc: doc, score: 0 }; });
    }
    found.forEach(function (r) { r.tier = tier(r.doc, wanted); });
    // exact names first; then entities before claims; then names that start with the
    // search; then MiniSearch's score
    found.sort(function (a, b) {
      return Math.min(a.tier, 2) - Math.min(b.tier, 2) || (a.doc.claim ? 1 : 0) - (b.doc.claim ? 1 : 0) ||
        a.tier - b.tier || b.score - a.score || a.doc.id - b.doc.id;
    });
    return found.map(function (r) { return r.doc.id; });
  }

  function run() {
    var query = input.value;
    if (!normal(query)) {
      items.forEach(function (item) { item.hidden = false; list.appendChild(item); });
      status.textContent = say("all", { count: items.length });
      return;
    }
    var order = ranked(query);
    var shown = {};
    order.forEach(function (id) { shown[id] = true; list.appendChild(items[id]); });
    items.forEach(function (item, id) { item.hidden = !shown[id]; if (!shown[id]) { list.appendChild(item); } });
    status.textContent = say("matching", { found: order.length, count: items.length });
  }

  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { input.value = query; }
  input.addEventListener("input", run);
  run();
}());

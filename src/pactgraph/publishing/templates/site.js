// pactgraph site script: the visitor's choice of label language (the search page has its own, search.js).
// Every page works without it: labels are then in English, with the other languages
// listed on each resource's page, and the search page lists every label.
(function () {
  "use strict";
  var KEY = "pactgraph-label-language";
  var root = document.documentElement;
  var offered = (root.getAttribute("data-langs") || "").split(" ").filter(Boolean);

  function remembered() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function remember(language) {
    try { window.localStorage.setItem(KEY, language); } catch (e) { /* private mode: not kept */ }
  }

  function show(language) {
    var nodes = document.querySelectorAll("[data-l]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      if (!node.hasAttribute("data-l-" + offered[0])) {
        node.setAttribute("data-l-" + offered[0], node.textContent);
      }
      var text = node.getAttribute("data-l-" + language);
      if (text === null) {
        text = node.getAttribute("data-l-" + offered[0]);
        node.removeAttribute("lang");
      } else if (language !== offered[0]) {
        node.setAttribute("lang", language);
      } else {
        node.removeAttribute("lang");
      }
      node.textContent = text;
    }
    var buttons = document.querySelectorAll(".langs button");
    for (var j = 0; j < buttons.length; j++) {
      buttons[j].setAttribute("aria-pressed", String(buttons[j].value === language));
    }
  }

  function languageChoice() {
    if (offered.length < 2) { return; }
    var header = document.querySelector("header.site");
    var group = document.createElement("div");
    group.className = "langs";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Language of labels");
    group.appendChild(document.createTextNode("Labels: "));
    offered.forEach(function (language) {
      var button = document.createElement("button");
      button.type = "button";
      button.value = language;
      button.textContent = language;
      button.setAttribute("lang", language);
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () { remember(language); show(language); });
      group.appendChild(button);
    });
    header.appendChild(group);
    var chosen = remembered();
    show(offered.indexOf(chosen) >= 0 ? chosen : offered[0]);
  }

  // The query page's engine is an ES module, which browsers load only over HTTP.
  function queryEngine() {
    var form = document.getElementById("query-form");
    if (!form || !/^https?:$/.test(window.location.protocol)) { return; }
    var module = document.createElement("script");
    module.type = "module";
    module.src = form.getAttribute("data-engine");
    document.head.appendChild(module);
  }

  languageChoice();
  queryEngine();
}());

// pactgraph site script: starts the query page's engine. The site is published in each of its
// languages (English at the root, zh/ and ru/), so labels and interface words need no script.
(function () {
  "use strict";

  // The query page's engine is an ES module, which browsers load only over HTTP.
  function queryEngine() {
    var form = document.getElementById("query-form");
    if (!form || !/^https?:$/.test(window.location.protocol)) { return; }
    var module = document.createElement("script");
    module.type = "module";
    module.src = form.getAttribute("data-engine");
    document.head.appendChild(module);
  }

  queryEngine();
}());

// pactgraph query page: SPARQL over the published dump, run in this browser by the
// Oxigraph WebAssembly build bundled with the site (vendor/oxigraph/). Nothing is sent
// anywhere: the data is this site's own dump.
import init, { Store } from "./vendor/oxigraph/web.js";

const form = document.getElementById("query-form");
const text = document.getElementById("query-text");
const status = document.getElementById("query-status");
const output = document.getElementById("query-results");
const picker = document.getElementById("query-example");
const prefixes = document.getElementById("query-prefixes").textContent.trim().split("\n");
let loading = null;

function store() {
  if (loading === null) {
    loading = (async () => {
      status.textContent = "Loading the query engine and the data…";
      await init();
      const response = await fetch(form.getAttribute("data-dump"));
      if (!response.ok) {
        throw new Error("cannot load the data (HTTP " + response.status + ")");
      }
      const loaded = new Store();
      loaded.load(await response.text(), { format: "application/n-triples" });
      return loaded;
    })();
  }
  return loading;
}

// The project prefixes that `pactgraph query` predeclares, where the query does not declare them.
function withPrefixes(query) {
  const declared = new Set();
  for (const match of query.matchAll(/^\s*PREFIX\s+([A-Za-z][\w.-]*)?:/gim)) {
    declared.add(match[1] || "");
  }
  const added = prefixes.filter((line) => !declared.has(line.split(" ")[1].slice(0, -1)));
  return added.join("\n") + "\n" + query;
}

function cell(row, tag, content, value) {
  const element = document.createElement(tag);
  element.textContent = content;
  if (value !== undefined) {
    element.setAttribute("data-value", value);
  }
  row.appendChild(element);
}

function showBindings(json) {
  const results = JSON.parse(json);
  output.replaceChildren();
  if (typeof results.boolean === "boolean") {
    const answer = document.createElement("p");
    answer.textContent = results.boolean ? "Yes (true)." : "No (false).";
    output.appendChild(answer);
    return "ASK: " + results.boolean;
  }
  const vars = results.head.vars;
  const wrapper = document.createElement("div");
  wrapper.className = "table-scroll";
  const table = document.createElement("table");
  table.className = "files results";
  const head = table.createTHead().insertRow();
  for (const name of vars) {
    cell(head, "th", name);
  }
  const body = table.createTBody();
  for (const binding of results.results.bindings) {
    const row = body.insertRow();
    for (const name of vars) {
      const term = binding[name];
      cell(row, "td", term ? term.value : "", term ? term.value : "");
    }
  }
  wrapper.appendChild(table);
  output.appendChild(wrapper);
  return results.results.bindings.length + " row" + (results.results.bindings.length === 1 ? "" : "s") + ".";
}

async function run(event) {
  event.preventDefault();
  output.setAttribute("aria-busy", "true");
  try {
    const engine = await store();
    const query = withPrefixes(text.value);
    const graphForm = /^\s*(CONSTRUCT|DESCRIBE)\b/im.test(query.replace(/#.*$/gm, ""));
    const started = performance.now();
    if (graphForm) {
      const turtle = engine.query(query, { results_format: "text/turtle" });
      const pre = document.createElement("pre");
      pre.className = "sparql";
      pre.tabIndex = 0;
      pre.textContent = turtle;
      output.replaceChildren(pre);
      status.textContent = "Done in " + Math.round(performance.now() - started) + " ms.";
    } else {
      const summary = showBindings(engine.query(query, { results_format: "application/sparql-results+json" }));
      status.textContent = summary + " (" + Math.round(performance.now() - started) + " ms)";
    }
  } catch (error) {
    output.replaceChildren();
    status.textContent = "Error: " + (error && error.message ? error.message : String(error));
  } finally {
    output.removeAttribute("aria-busy");
  }
}

function pick() {
  const source = document.getElementById("example-" + picker.value);
  if (source) {
    text.value = source.textContent;
  }
}

form.addEventListener("submit", run);
picker.addEventListener("change", pick);
document.getElementById("query-controls").hidden = false;
document.getElementById("query-noscript").hidden = true;
pick();

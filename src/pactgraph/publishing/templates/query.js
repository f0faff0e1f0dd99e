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

const pages = JSON.parse(document.getElementById("query-pages").textContent);
// the page's words in its language (the template fills them from the site's catalogues)
const words = JSON.parse(document.getElementById("query-words").textContent);
function say(key, values) {
  return words[key].replace(/\{(\w+)\}/g, (whole, name) => (name in (values || {}) ? String(values[name]) : whole));
}
const LABEL_QUERY =
  "SELECT ?s ?p ?l WHERE { VALUES ?p { " +
  pages.labels.map((iri) => "<" + iri + ">").join(" ") +
  " } ?s ?p ?l FILTER(isLITERAL(?l)) }";
let labels = new Map(); // IRI -> [property rank, language, text][]

function store() {
  if (loading === null) {
    loading = (async () => {
      status.textContent = say("loading");
      await init();
      const response = await fetch(form.getAttribute("data-dump"));
      if (!response.ok) {
        throw new Error(say("noData", { status: response.status }));
      }
      const loaded = new Store();
      loaded.load(await response.text(), { format: "application/n-triples" });
      labels = new Map();
      for (const row of loaded.query(LABEL_QUERY)) {
        const subject = row.get("s").value;
        const entry = [pages.labels.indexOf(row.get("p").value), row.get("l").language || "", row.get("l").value];
        if (!labels.has(subject)) {
          labels.set(subject, []);
        }
        labels.get(subject).push(entry);
      }
      return loaded;
    })();
  }
  return loading;
}

// The label of an IRI in the page's language, else English, else any: properties in the
// site's order of preference first.
function labelOf(iri) {
  const found = labels.get(iri);
  if (!found) {
    return null;
  }
  const order = [document.documentElement.lang || "en", "en", ""];
  const rank = (entry) => {
    const place = order.indexOf(entry[1]);
    return [entry[0], place < 0 ? order.length : place, entry[1], entry[2]];
  };
  const sorted = found.map((entry) => [rank(entry), entry]).sort((a, b) => {
    for (let i = 0; i < a[0].length; i++) {
      if (a[0][i] < b[0][i]) return -1;
      if (a[0][i] > b[0][i]) return 1;
    }
    return 0;
  });
  return sorted[0][1];
}

// Where an IRI is documented: its page in this site, else the IRI itself when it is on the web.
function hrefOf(iri) {
  if (Object.prototype.hasOwnProperty.call(pages.pages, iri)) {
    return pages.pages[iri];
  }
  for (const [namespace, page] of pages.documents) {
    if (iri === namespace.replace(/#$/, "")) {
      return page;
    }
    if (namespace.endsWith("#") && iri.startsWith(namespace)) {
      return page + "#" + encodeURIComponent(iri.slice(namespace.length));
    }
  }
  return /^https?:\/\/[^/]/.test(iri) ? iri : null;
}

// The project prefixes that `pactgraph query` predeclares, where the query does not declare
// them, on lines before the query's own: `shift` is their number, taken off the engine's
// error positions so that they name the visible text.
function withPrefixes(query) {
  const declared = new Set();
  for (const match of query.matchAll(/^\s*PREFIX\s+([A-Za-z][\w.-]*)?:/gim)) {
    declared.add(match[1] || "");
  }
  const added = prefixes.filter((line) => !declared.has(line.split(" ")[1].slice(0, -1)));
  return { text: added.map((line) => line + "\n").join("") + query, shift: added.length };
}

function visibleError(message, shift) {
  return message.replace(/^error at (\d+):(\d+)/, (whole, line, column) => {
    const visible = Number(line) - shift;
    return visible >= 1 ? "line " + visible + ", column " + column : whole;
  });
}

function cell(row, tag, content, value) {
  const element = document.createElement(tag);
  element.textContent = content;
  if (value !== undefined) {
    element.setAttribute("data-value", value);
  }
  row.appendChild(element);
  return element;
}

function languageTag(language) {
  const tag = document.createElement("span");
  tag.className = "lang-tag";
  tag.textContent = "@" + language;
  return tag;
}

// An IRI without a label, as text that breaks only after a "/", "#", "." or "-" (as the
// site's pages show IRIs): each piece between them kept whole, a <wbr> after each.
function showIri(element, iri) {
  const pieces = iri.match(/[^/#.\-]*[/#.\-]+|[^/#.\-]+/g) || [iri];
  const text = document.createElement("span");
  text.className = "iri-text";
  pieces.forEach((piece, i) => {
    if (i > 0) {
      text.appendChild(document.createElement("wbr"));
    }
    const seg = document.createElement("span");
    seg.className = "seg";
    seg.textContent = piece;
    text.appendChild(seg);
  });
  element.replaceChildren(text);
}

// One result term: an IRI as a link named by its label, a literal with its language tag.
function showTerm(element, term) {
  if (term.type === "uri") {
    const label = labelOf(term.value);
    const href = hrefOf(term.value);
    const name = document.createElement(href ? "a" : "span");
    if (href) {
      name.href = href;
      if (href.startsWith("http")) {
        name.className = "ext";
      }
    }
    name.title = term.value;
    if (label) {
      name.textContent = label[2];
    } else {
      showIri(name, term.value);
    }
    if (label && label[1]) {
      name.lang = label[1];
    }
    element.replaceChildren(name);
    if (label && label[1]) {
      element.append(" ", languageTag(label[1]));
    }
  } else if (term.type === "literal" && term["xml:lang"]) {
    const text = document.createElement("span");
    text.lang = term["xml:lang"];
    text.textContent = term.value;
    element.replaceChildren(text, " ", languageTag(term["xml:lang"]));
  } else if (term.type === "literal" && term.datatype) {
    element.title = term.datatype;
  }
}

function showBindings(json) {
  const results = JSON.parse(json);
  output.replaceChildren();
  if (typeof results.boolean === "boolean") {
    const answer = document.createElement("p");
    answer.textContent = results.boolean ? say("yes") : say("no");
    output.appendChild(answer);
    return "ASK: " + results.boolean;
  }
  const vars = results.head.vars;
  const wrapper = document.createElement("div");
  wrapper.className = "table-scroll";
  wrapper.tabIndex = 0;
  wrapper.setAttribute("role", "region");
  wrapper.setAttribute("aria-label", say("results"));
  const table = document.createElement("table");
  // on a phone each row is a card, each cell led by its variable's name (style.css: table.cards)
  table.className = "files results cards";
  const head = table.createTHead().insertRow();
  for (const name of vars) {
    cell(head, "th", name);
  }
  const body = table.createTBody();
  for (const binding of results.results.bindings) {
    const row = body.insertRow();
    for (const name of vars) {
      const term = binding[name];
      const element = cell(row, "td", term ? term.value : "", term ? term.value : "");
      element.dataset.label = name;
      if (term) {
        showTerm(element, term);
      }
    }
  }
  wrapper.appendChild(table);
  output.appendChild(wrapper);
  const count = results.results.bindings.length;
  return say(count === 1 ? "row" : "rows", { count: count });
}

async function run(event) {
  event.preventDefault();
  let shift = 0;
  output.setAttribute("aria-busy", "true");
  try {
    const engine = await store();
    const prepared = withPrefixes(text.value);
    shift = prepared.shift;
    const query = prepared.text;
    const graphForm = /^\s*(CONSTRUCT|DESCRIBE)\b/im.test(query.replace(/#.*$/gm, ""));
    const started = performance.now();
    if (graphForm) {
      const turtle = engine.query(query, { results_format: "text/turtle" });
      const pre = document.createElement("pre");
      pre.className = "sparql";
      pre.tabIndex = 0;
      pre.textContent = turtle;
      output.replaceChildren(pre);
      status.textContent = say("done", { ms: Math.round(performance.now() - started) });
    } else {
      const summary = showBindings(engine.query(query, { results_format: "application/sparql-results+json" }));
      status.textContent = summary + " " + say("took", { ms: Math.round(performance.now() - started) });
    }
  } catch (error) {
    output.replaceChildren();
    status.textContent = say("error", { message: visibleError(error && error.message ? error.message : String(error), shift) });
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

// An edited question is no longer the named one: the menu says so.
function edited() {
  const source = document.getElementById("example-" + picker.value);
  if (source && source.textContent !== text.value) {
    picker.value = "";
  }
}

form.addEventListener("submit", run);
picker.addEventListener("change", pick);
text.addEventListener("input", edited);
document.getElementById("query-controls").hidden = false;
document.getElementById("query-noscript").hidden = true;
pick();

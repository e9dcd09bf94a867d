// The search page: runs ?q= through Pagefind's index (same-origin files, no network
// beyond this site) and lists the results. No innerHTML: excerpts are rebuilt from
// text and <mark> only.
const form = document.querySelector(".search-form");
const input = form.querySelector("input[name=q]");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
let pagefind = null;

async function engine() {
  if (!pagefind) {
    const bundle = form.dataset.bundle;
    const baseUrl = new URL(form.dataset.baseUrl, location.href).pathname;
    pagefind = await import(bundle + "pagefind.js");
    await pagefind.options({ baseUrl });
    // A large site is indexed in parts (search.py, SEARCH_PAGES_PER_RUN), searched as one.
    const parts = await (await fetch(bundle + "parts.json")).json();
    for (const part of parts) {
      await pagefind.mergeIndex(bundle + part, { baseUrl });
    }
  }
  return pagefind;
}

function excerpt(html) {
  // Pagefind's excerpt is escaped text with <mark> around the matches.
  const parsed = new DOMParser().parseFromString(html, "text/html");
  const p = document.createElement("p");
  p.className = "search-result__excerpt";
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      p.append(mark);
    } else {
      p.append(node.textContent);
    }
  }
  return p;
}

function show(query, results) {
  list.replaceChildren();
  for (const data of results) {
    const item = document.createElement("li");
    item.className = "search-result";
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    heading.append(link);
    item.append(heading, excerpt(data.excerpt));
    list.append(item);
  }
  const count = results.length;
  status.textContent = count
    ? `${count} result${count === 1 ? "" : "s"} for “${query}”.`
    : `Nothing found for “${query}”.`;
}

async function run(query) {
  query = query.trim();
  if (!query) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  const search = await (await engine()).search(query);
  const results = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
  show(query, results);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const url = new URL(location.href);
  url.searchParams.set("q", input.value);
  history.replaceState(null, "", url);
  run(input.value).catch(failed);
});

const initial = new URLSearchParams(location.search).get("q") || "";
input.value = initial;
function failed(error) {
  status.textContent = "Search could not run: " + error.message;
}

if (initial) {
  run(initial).catch(failed);
} else {
  // Load the engine and the index's entry point while the visitor types.
  engine().then((p) => p.init()).catch(failed);
}

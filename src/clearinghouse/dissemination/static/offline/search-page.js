/* The search page of the offline edition: state in the URL (?q= or #q=&f=field:value). */
(function () {
  "use strict";
  var root = document.getElementById("offline-search");
  if (!root) return;
  var lang = root.dataset.lang, PAGE = 20, shown = 0, current = null;
  var facetTitles = JSON.parse(root.dataset.facets), kinds = JSON.parse(root.dataset.kinds);

  function readState() {
    var params = new URLSearchParams(location.hash.slice(1));
    var search = new URLSearchParams(location.search);
    var q = params.has("q") ? params.get("q") : search.get("q") || "";
    var f = params.getAll("f").concat(params.has("q") || params.has("f") ? [] : search.getAll("f"));
    return { q: q, filters: f.map(function (v) { var i = v.indexOf(":"); return [v.slice(0, i), v.slice(i + 1)]; })
      .filter(function (p) { return p[0] && p[1]; }) };
  }
  function stateHash(q, filters) {
    var params = new URLSearchParams();
    if (q) params.append("q", q);
    filters.forEach(function (p) { params.append("f", p[0] + ":" + p[1]); });
    return "#" + params.toString();
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function renderHits(result) {
    var list = document.getElementById("hits");
    var end = Math.min(result.hits.length, shown + PAGE);
    for (var i = shown; i < end; i++) {
      var hit = result.hits[i], t = OfflineSearch.hitText(lang, hit.index);
      var li = el("li", { class: "hit" });
      var h3 = el("h3");
      var a = el("a", { href: root.dataset.recordBase + hit.id + ".html", lang: t[1], dir: "auto" }, t[0]);
      h3.appendChild(a);
      if (t[4]) h3.appendChild(el("span", { class: "badge sample" }, root.dataset.sample));
      li.appendChild(h3);
      li.appendChild(el("p", { class: "meta" }, (kinds[t[3]] || t[3])));
      if (t[2]) li.appendChild(el("p", { class: "snippet", lang: t[1], dir: "auto" }, t[2] + (t[2].length >= 240 ? "…" : "")));
      list.appendChild(li);
    }
    shown = end;
    document.getElementById("more").hidden = shown >= result.hits.length;
  }
  function renderFacets(state, result) {
    var box = document.getElementById("facets");
    box.textContent = "";
    Object.keys(facetTitles).forEach(function (field, n) {
      var counts = result.facets[field];
      if (!counts) return;
      var codes = Object.keys(counts).sort(function (a, b) {
        if (field === "year") return a < b ? 1 : -1;
        return counts[b] - counts[a] || (a < b ? -1 : 1);
      }).slice(0, 50);
      var details = el("details");
      if (n < 5) details.open = true;
      details.appendChild(el("summary", {}, facetTitles[field]));
      var ul = el("ul");
      codes.forEach(function (code) {
        var chosen = state.filters.some(function (p) { return p[0] === field && p[1] === code; });
        var next = chosen ? state.filters.filter(function (p) { return !(p[0] === field && p[1] === code); })
          : state.filters.concat([[field, code]]);
        var li = el("li");
        var a = el("a", { href: stateHash(state.q, next), "data-facet": field + ":" + code },
          field === "kind" ? kinds[code] || code : OfflineSearch.label(lang, field, code));
        if (chosen) { a.className = "selected"; a.setAttribute("aria-current", "true"); }
        li.appendChild(a);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", { class: "count" }, String(counts[code])));
        ul.appendChild(li);
      });
      details.appendChild(ul);
      box.appendChild(details);
    });
  }
  function run() {
    var state = readState();
    document.getElementById("q").value = state.q;
    var heading = document.getElementById("results-heading");
    OfflineSearch.search(state.q, state.filters, lang).then(function (result) {
      current = result;
      shown = 0;
      document.getElementById("hits").textContent = "";
      heading.textContent = result.total === 1 ? root.dataset.oneResult : result.total + " " + root.dataset.results;
      var chosen = document.getElementById("chosen");
      chosen.textContent = "";
      state.filters.forEach(function (p) {
        var rest = state.filters.filter(function (x) { return x !== p; });
        var li = el("li");
        var label = p[0] === "kind" ? kinds[p[1]] || p[1] : OfflineSearch.label(lang, p[0], p[1]);
        li.appendChild(el("a", { href: stateHash(state.q, rest), "aria-label": root.dataset.remove + " " + label },
          (facetTitles[p[0]] || p[0]) + ": " + label + " ×"));
        chosen.appendChild(li);
      });
      if (!result.total) document.getElementById("hits").appendChild(el("li", { class: "empty" }, root.dataset.empty));
      renderHits(result);
      renderFacets(state, result);
      root.dataset.searchMs = result.ms.toFixed(1);
      root.dataset.total = String(result.total);
      root.dataset.done = String((Number(root.dataset.done) || 0) + 1);
    }).catch(function (error) { heading.textContent = String(error); });
  }
  document.querySelector("form.searchbox").addEventListener("submit", function (event) {
    event.preventDefault();
    var state = readState();
    location.hash = stateHash(document.getElementById("q").value, state.filters);
  });
  document.getElementById("more").addEventListener("click", function () { if (current) renderHits(current); });
  window.addEventListener("hashchange", run);
  run();
})();

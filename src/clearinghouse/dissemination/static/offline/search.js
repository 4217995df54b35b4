/* The offline edition's search: the server's analysis and ranking, from file:// (no fetch).
 *
 * Index files are scripts that call OfflineSearch.*; they are loaded on demand with <script>
 * tags. fold() and tokenize() are ports of clearinghouse.search.analysis (tested against
 * Python); a typed word is looked up in the form → terms map built by the server's stemmers.
 */
(function () {
  "use strict";
  var S = (window.OfflineSearch = window.OfflineSearch || {});
  var base = document.currentScript ? document.currentScript.src.replace(/[^/]*$/, "") : "";
  var indexBase = base + "index/";
  var state = { meta: null, docs: null, han: null, hits: {}, labels: {}, shards: { p: {}, f: {} } };
  var waiting = {};

  // --- loading ------------------------------------------------------------------------------
  function load(name, check) {
    if (check()) return Promise.resolve();
    if (!waiting[name]) {
      waiting[name] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = indexBase + name;
        script.charset = "utf-8";
        script.onload = function () { resolve(); };
        script.onerror = function () { reject(new Error("cannot load " + name)); };
        document.head.appendChild(script);
      });
    }
    return waiting[name];
  }
  S.meta = function (m) { state.meta = m; };
  S.docs = function (d) { state.docs = d; };
  S.han = function (h) { state.han = new Set(h); state.hanMax = h.reduce(function (a, w) { return Math.max(a, w.length); }, 1); };
  S.hits = function (lang, rows) { state.hits[lang] = rows; };
  S.labels = function (lang, labels) { state.labels[lang] = labels; };
  S.shard = function (kind, number, entries) { state.shards[kind][number] = entries; };

  function shardOf(bounds, key) {
    var lo = 0, hi = bounds.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (bounds[mid] <= key) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }
  function pad(n) { return ("000" + n).slice(-4); }
  function loadShard(kind, number) {
    return load(kind + "-" + pad(number) + ".js", function () { return !!state.shards[kind][number]; });
  }
  function lookup(kind, key) {
    var bounds = kind === "p" ? state.meta.termShards : state.meta.formShards;
    var n = shardOf(bounds, key);
    if (n < 0) return Promise.resolve(undefined);
    return loadShard(kind, n).then(function () { return state.shards[kind][n][key]; });
  }
  S.ready = function (lang) {
    return load("meta.js", function () { return !!state.meta; })
      .then(function () { return load("docs.js", function () { return !!state.docs; }); })
      .then(function () { return load("han.js", function () { return !!state.han; }); })
      .then(function () { return load("hits-" + lang + ".js", function () { return !!state.hits[lang]; }); })
      .then(function () { return load("labels-" + lang + ".js", function () { return !!state.labels[lang]; }); });
  };

  // --- analysis (ports of search/analysis.py) -----------------------------------------------
  var DIACRITIC_BLOCKS = [[0x0300, 0x036f], [0x0483, 0x0489], [0x0591, 0x05c7], [0x0610, 0x061a],
    [0x064b, 0x065f], [0x0670, 0x0670], [0x06d6, 0x06ed], [0x1ab0, 0x1aff], [0x1dc0, 0x1dff],
    [0x20d0, 0x20ff], [0xfe20, 0xfe2f]];
  var EXTRA = { "ß": "ss", "ẞ": "ss", "đ": "d", "Đ": "d", "ħ": "h", "ı": "i", "ł": "l", "Ł": "l",
    "ø": "o", "Ø": "o", "ŧ": "t", "ى": "ي", "ة": "ه", "ٱ": "ا", "ی": "ي", "ک": "ك", "ـ": "",
    "\u200c": "", "\u200d": "" };
  var MN = /\p{Mn}/u;
  function isDiacritic(cp, ch) {
    for (var i = 0; i < DIACRITIC_BLOCKS.length; i++) {
      if (cp >= DIACRITIC_BLOCKS[i][0] && cp <= DIACRITIC_BLOCKS[i][1]) return MN.test(ch);
    }
    return false;
  }
  var ASCII = /^[\x00-\x7f]*$/;
  function fold(text) {
    if (ASCII.test(text)) return text.toLowerCase();
    var out = "";
    for (var ch of text.normalize("NFKD")) {
      var cp = ch.codePointAt(0);
      if (isDiacritic(cp, ch)) continue;
      if (Object.prototype.hasOwnProperty.call(EXTRA, ch)) { out += EXTRA[ch]; continue; }
      if (cp >= 0x0660 && cp <= 0x0669) { out += String(cp - 0x0660); continue; }
      if (cp >= 0x06f0 && cp <= 0x06f9) { out += String(cp - 0x06f0); continue; }
      out += ch;
    }
    out = out.toLowerCase();
    return ASCII.test(out) ? out : out.normalize("NFC");
  }
  var HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}";
  var OTHER_CJK = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uff66-\uff9f";
  var WORD = /[\p{L}\p{N}\p{M}\u200c\u200d]+/gu;
  var CJK = new RegExp("[" + HAN + OTHER_CJK + "]", "u");
  var CJK_SPLIT = new RegExp("([" + HAN + "]+)|([" + OTHER_CJK + "]+)|([^" + HAN + OTHER_CJK + "]+)", "gu");
  function segmentHan(run) {
    // Greedy longest match over the edition's own Chinese words (jieba's, at build time).
    var chars = Array.from(run), out = [], i = 0;
    var max = state.hanMax || 1;
    while (i < chars.length) {
      var taken = 1;
      for (var n = Math.min(max, chars.length - i); n > 1; n--) {
        if (state.han && state.han.has(chars.slice(i, i + n).join(""))) { taken = n; break; }
      }
      out.push(chars.slice(i, i + taken).join(""));
      i += taken;
    }
    return out;
  }
  function bigrams(run) {
    var chars = Array.from(run);
    if (chars.length < 2) return [run];
    var out = [];
    for (var i = 0; i < chars.length - 1; i++) out.push(chars[i] + chars[i + 1]);
    return out;
  }
  function tokenize(text) {
    if (!text) return [];
    if (!ASCII.test(text)) text = text.normalize("NFKC");
    text = text.replace(/_/g, " ").toLowerCase();
    var words = text.match(WORD) || [];
    if (!CJK.test(text)) return words;
    var out = [];
    words.forEach(function (word) {
      if (!CJK.test(word)) { out.push(word); return; }
      var m;
      CJK_SPLIT.lastIndex = 0;
      while ((m = CJK_SPLIT.exec(word)) !== null) {
        if (m[1]) out.push.apply(out, segmentHan(m[1]));
        else if (m[2]) out.push.apply(out, bigrams(m[2]));
        else out.push(m[3]);
      }
    });
    return out;
  }
  S.fold = fold;
  S.tokenize = tokenize;

  // --- the query language -------------------------------------------------------------------
  var QUOTES = "\"“”«»„";
  function parse(text) {
    text = (text || "").slice(0, 1000);
    var items = [], pos = 0;
    while (pos < text.length && items.length < 32) {
      if (/\s/.test(text[pos])) { pos++; continue; }
      var after = text.slice(pos + 1, pos + 2);
      var negated = text[pos] === "-" && after !== "" && after !== "-" && !/\s/.test(after);
      if (negated) pos++;
      var node;
      if (QUOTES.indexOf(text[pos]) >= 0) {
        var stop = pos + 1;
        while (stop < text.length && QUOTES.indexOf(text[stop]) < 0) stop++;
        var words = text.slice(pos + 1, stop).split(/\s+/).filter(Boolean);
        pos = stop + 1;
        if (!words.length) continue;
        node = { phrase: words.join(" ") };
      } else {
        var end = pos;
        while (end < text.length && !/\s/.test(text[end]) && QUOTES.indexOf(text[end]) < 0) end++;
        var token = text.slice(pos, end);
        pos = end;
        if (!negated && (token === "OR" || token === "AND")) { items.push(token); continue; }
        var stem = token.replace(/\*+$/, "");
        node = stem && stem !== token ? { prefix: stem } : { word: token };
      }
      items.push(negated ? { not: node } : node);
    }
    var groups = [], joinNext = false;
    items.forEach(function (item, i) {
      if (typeof item === "string") {
        var between = i > 0 && i < items.length - 1 && typeof items[i - 1] !== "string" && typeof items[i + 1] !== "string";
        if (between) { joinNext = joinNext || item === "OR"; return; }
        item = { word: item };
      }
      if (joinNext && groups.length) groups[groups.length - 1].push(item); else groups.push([item]);
      joinNext = false;
    });
    return groups.map(function (g) { return g.length === 1 ? g[0] : { or: g }; });
  }

  function queryMask(text, ui) {
    var langs = state.meta.languages, wanted = [""].concat(state.meta.queryLanguages || []);
    wanted.push(ui.split("-")[0]);
    if (/[\u0600-\u06ff]/.test(text)) wanted.push("ar");
    if (/[\u0400-\u04ff]/.test(text)) wanted.push("ru", "sr", "mk", "uk", "bg");
    var mask = 1;
    wanted.forEach(function (code) {
      var bit = state.meta.stemmers[code.toLowerCase()];
      if (bit !== undefined && bit < 31) mask |= 1 << bit;
    });
    return langs.length > 31 ? -1 : mask;
  }

  // One typed word → alternatives, each a list of terms that must all match.
  function wordVariants(word, mask) {
    var words = tokenize(word);
    if (!words.length) return Promise.resolve(null);
    return Promise.all(words.map(function (w) {
      var key = fold(w);
      return lookup("f", key).then(function (entry) {
        var variants = [];
        if (entry) {
          for (var i = 0; i < entry.length; i += 2) {
            if (entry[i + 1] & mask) variants.push(entry[i].split(" "));
          }
        }
        if (!variants.length) variants.push([key]);
        return variants;
      });
    }));
  }

  // --- scoring (BM25 as tantivy: k1 1.2, b 0.75; title ×2.5, body ×1, concepts ×0.1) -----------
  var K1 = 1.2, B = 0.75, BOOSTS = [1.0, 2.5, 0.1];  // order in postings: body, title, concepts
  // A term's scores depend only on the index: computed once per page (refining a search
  // re-uses them).
  var scoreCache = new Map();
  function termScores(term) {
    if (!scoreCache.has(term)) scoreCache.set(term, computeScores(term));
    return scoreCache.get(term);
  }
  function computeScores(term) {
    return lookup("p", term).then(function (post) {
      var scores = new Map();
      if (!post) return scores;
      var n = state.meta.count, avg = [state.meta.avg[1], state.meta.avg[0], state.meta.avg[2]];
      var df = [0, 0, 0], doc = 0, i, f;
      for (i = 0; i < post.length; i += 4) for (f = 0; f < 3; f++) if (post[i + 1 + f]) df[f]++;
      var idf = df.map(function (d) { return d ? Math.log(1 + (n - d + 0.5) / (d + 0.5)) : 0; });
      for (i = 0; i < post.length; i += 4) {
        doc += post[i];
        var d = state.docs[doc], lens = [d[4], d[3], d[5]], s = 0;
        for (f = 0; f < 3; f++) {
          var tf = post[i + 1 + f];
          if (!tf) continue;
          var norm = avg[f] ? lens[f] / avg[f] : 1;
          s += BOOSTS[f] * idf[f] * (tf * (K1 + 1)) / (tf + K1 * (1 - B + B * norm));
        }
        scores.set(doc, s);
      }
      return scores;
    });
  }
  function union(maps) {
    var out = new Map();
    maps.forEach(function (m) { m.forEach(function (s, d) { out.set(d, (out.get(d) || 0) + s); }); });
    return out;
  }
  function intersect(maps) {
    if (!maps.length) return allDocs();
    maps.sort(function (a, b) { return a.size - b.size; });
    var out = new Map();
    maps[0].forEach(function (s, d) {
      var total = s;
      for (var i = 1; i < maps.length; i++) {
        if (!maps[i].has(d)) return;
        total += maps[i].get(d);
      }
      out.set(d, total);
    });
    return out;
  }
  function allDocs() {
    var out = new Map();
    for (var i = 0; i < state.docs.length; i++) out.set(i, 0);
    return out;
  }
  function allOf(terms) { return Promise.all(terms.map(termScores)).then(intersect); }
  function prefixScores(prefix, mask) {
    var key = fold(prefix);
    if (key.length < 2) return evalNode({ word: prefix }, mask);
    var bounds = state.meta.termShards;
    var first = Math.max(0, shardOf(bounds, key)), last = shardOf(bounds, key + "\uffff");
    var numbers = [];
    for (var n = first; n <= last; n++) numbers.push(n);
    return Promise.all(numbers.map(function (n) { return loadShard("p", n); })).then(function () {
      var terms = [];
      numbers.forEach(function (n) {
        Object.keys(state.shards.p[n]).forEach(function (t) { if (t.startsWith(key)) terms.push(t); });
      });
      return Promise.all(terms.slice(0, 200).map(termScores)).then(union);
    });
  }
  function evalNode(node, mask) {
    if (node.or) return Promise.all(node.or.map(function (c) { return evalNode(c, mask); })).then(union);
    if (node.prefix) return prefixScores(node.prefix, mask);
    var text = node.word !== undefined ? node.word : node.phrase;
    return wordVariants(text, mask).then(function (perWord) {
      if (!perWord) return null;
      return Promise.all(perWord.map(function (variants) {
        return Promise.all(variants.map(allOf)).then(union);
      })).then(intersect);
    });
  }

  S.search = function (q, filters, ui) {
    var started = performance.now();
    return S.ready(ui).then(function () {
      var mask = queryMask(q || "", ui);
      var clauses = parse(q || "");
      var positive = clauses.filter(function (c) { return !c.not; });
      var negative = clauses.filter(function (c) { return c.not; });
      return Promise.all(positive.map(function (c) { return evalNode(c, mask); }))
        .then(function (maps) {
          maps = maps.filter(function (m) { return m !== null; });
          var matched = positive.length && !maps.length ? new Map() : intersect(maps);
          return Promise.all(negative.map(function (c) { return evalNode(c.not, mask); }))
            .then(function (excluded) {
              excluded.forEach(function (m) { if (m) m.forEach(function (_s, d) { matched.delete(d); }); });
              return matched;
            });
        });
    }).then(function (matched) {
      var docs = state.docs, ids = [];
      matched.forEach(function (score, d) {
        var facets = docs[d][6];
        for (var i = 0; i < filters.length; i++) {
          var values = facets[filters[i][0]] || [];
          if (values.indexOf(filters[i][1]) < 0) return;
        }
        ids.push([d, score]);
      });
      var relevance = (q || "").trim() !== "";
      ids.sort(function (a, b) {
        if (relevance && b[1] !== a[1]) return b[1] - a[1];
        var da = docs[a[0]], db = docs[b[0]];
        if (db[1] !== da[1]) return db[1] - da[1];
        return da[2] < db[2] ? -1 : da[2] > db[2] ? 1 : da[0] - db[0];
      });
      var counts = {};
      ids.forEach(function (pair) {
        var facets = docs[pair[0]][6];
        Object.keys(facets).forEach(function (field) {
          var c = (counts[field] = counts[field] || {});
          facets[field].forEach(function (v) { c[v] = (c[v] || 0) + 1; });
        });
      });
      var result = {
        total: ids.length,
        hits: ids.map(function (pair) { return { index: pair[0], id: docs[pair[0]][0], score: pair[1] }; }),
        facets: counts,
        ms: performance.now() - started,
      };
      S.last = result;
      return result;
    });
  };
  S.hitText = function (lang, index) { return state.hits[lang][index]; };
  S.label = function (lang, field, code) {
    var l = state.labels[lang] && state.labels[lang][field];
    return (l && l[code]) || code;
  };
})();

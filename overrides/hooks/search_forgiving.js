// A search that forgives. The stand-in worker loads this file on the first
// query; it loads Material's worker behind it and changes two things:
//   - while lunr builds the index, every word is stored without accents, and
//     the English words readers type (search_synonyms.json) are stored where
//     the page writes the Portuguese term ("contêiner" is also "container");
//   - each query is cut like the pages (brackets, colons, quotes), folded the
//     same way, and every word is asked for twice: as typed, with a boost, and
//     as the start of a longer word, so "porta" finds "porta" before
//     "Portabilidade".
"use strict";
(function () {
  var MATERIAL_WORKER = "__MATERIAL_WORKER__";
  var SYNONYMS = __SYNONYMS__;
  var EXACT_BOOST = __EXACT_BOOST__;
  var COORDINATION = __COORDINATION__;

  var add = self.addEventListener;
  var material = null;
  self.addEventListener = function (type, listener) {
    if (type === "message") material = listener;
    else add.apply(self, arguments);
  };
  importScripts(MATERIAL_WORKER);
  self.addEventListener = add;
  var lunr = self.lunr;

  var separator = /[\s\-]+/g;
  var language = "en";
  var rules = null;

  // The stop words of the index's language (lunr.pt is loaded at setup).
  function isStopWord(word) {
    var filter = (lunr[language] || lunr).stopWordFilter || lunr.stopWordFilter;
    return !filter(word);
  }

  // Pasted English messages bring English stop words ("could not connect to").
  function isQueryStopWord(word) {
    return isStopWord(word) || !lunr.stopWordFilter(word);
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function words(text) {
    return text.split(separator).filter(Boolean);
  }

  // "fila de conexões" -> ["fila", "conexoes"]: the words the index keeps.
  // A trailing * matches any ending ("contêiner*": contêiner, contêineres).
  function compile() {
    var compiled = [];
    Object.keys(SYNONYMS).forEach(function (synonym) {
      SYNONYMS[synonym].forEach(function (phrase) {
        var parts = words(phrase)
          .filter(function (word) { return !isStopWord(word.toLowerCase()); })
          .map(function (word) {
            var prefix = word.slice(-1) === "*";
            return { text: fold(prefix ? word.slice(0, -1) : word), prefix: prefix };
          });
        if (parts.length) compiled.push({ synonym: fold(synonym), parts: parts });
      });
    });
    return compiled;
  }

  function matches(folded, start, parts) {
    for (var k = 0; k < parts.length; k++) {
      var word = folded[start + k];
      if (word === undefined) return false;
      if (parts[k].prefix ? word.indexOf(parts[k].text) !== 0 : word !== parts[k].text)
        return false;
    }
    return true;
  }

  // A lunr pipeline function: the folded word, plus a synonym token (same
  // position, so the Portuguese word is highlighted) where a phrase starts.
  var lastTokens = null;
  var lastFolded = null;
  function forgive(token, i, tokens) {
    if (tokens !== lastTokens) {
      lastTokens = tokens;
      lastFolded = tokens.map(function (t) { return fold(t.toString()); });
    }
    if (!rules) rules = compile();
    var folded = lastFolded[i];
    var out = [token.clone(function () { return folded; })];
    for (var r = 0; r < rules.length; r++)
      if (matches(lastFolded, i, rules[r].parts)) {
        var synonym = rules[r].synonym;
        out.push(token.clone(function () { return synonym; }));
      }
    return out;
  }
  lunr.Pipeline.registerFunction(forgive, "forgive");

  // Material builds the index inside lunr(); add the function before the
  // first document goes in, to the index and to the query pipelines.
  var index = null;
  var build = lunr.Builder.prototype.build;
  lunr.Builder.prototype.build = function () {
    index = build.apply(this, arguments);
    return index;
  };
  var addDocument = lunr.Builder.prototype.add;
  lunr.Builder.prototype.add = function () {
    if (this.pipeline._stack.indexOf(forgive) < 0) {
      this.pipeline.add(forgive);
      this.searchPipeline.add(forgive);
    }
    return addDocument.apply(this, arguments);
  };

  // The words of the query being answered (each with its indexed forms),
  // for the coordination below.
  var asked = [];

  // Singular and plural, as far as the index knows them: "excecoes" also asks
  // for "excecao", "conexao" for "conexoes", "portaveis" for "portavel".
  var ENDINGS = [["oes", "ao"], ["ao", "oes"], ["eis", "el"], ["el", "eis"],
    ["es", ""], ["s", ""], ["", "s"], ["", "es"]];
  function forms(term) {
    var found = [term];
    if (!index) return found;
    ENDINGS.forEach(function (ending) {
      var from = ending[0];
      var to = ending[1];
      if (term.length < from.length + 3 || term.slice(term.length - from.length) !== from)
        return;
      var form = term.slice(0, term.length - from.length) + to;
      if (form in index.invertedIndex && found.indexOf(form) < 0) found.push(form);
    });
    return found;
  }

  // "ConnectionRefusedError: [Errno 111] Connection refused" ->
  // "connectionrefusederror^B errno^B 111^B connection^B refused^B refused":
  // each word as typed (and its indexed forms), boosted; Material appends *
  // to the last, unboosted one (the word still being typed), and to any word
  // the index does not hold ("contei" -> contêiner). So "connection" does not
  // also match ConnectionResetError, and "porta" outweighs "Portabilidade".
  function rewrite(query) {
    var kept = [];
    var all = [];
    words(query).forEach(function (word) {
      var term = fold(word).replace(/[^\w.]|^\.+|\.+$/g, "");
      if (!term || all.indexOf(term) >= 0) return;
      all.push(term);
      if (!isQueryStopWord(word.toLowerCase())) kept.push(term);
    });
    asked = (kept.length ? kept : all).map(forms);
    return asked
      .map(function (found, i) {
        var term = found[0];
        var known = index && term in index.invertedIndex;
        var exact = found.map(function (form) { return form + "^" + EXACT_BOOST; });
        if (i === asked.length - 1 || !known) exact.push(term);
        return exact.join(" ");
      })
      .join(" ");
  }

  // Coordination: a page that holds more of the words asked comes first, so a
  // pasted error line ranks the page that explains it above a page whose
  // title merely shares one common word with it. Counted per page (its
  // sections together), as the results are shown.
  var search = lunr.Index.prototype.search;
  lunr.Index.prototype.search = function () {
    var results = search.apply(this, arguments);
    if (asked.length < 2) return results;
    var keys = {};
    results.forEach(function (result) {
      var page = result.ref.split("#")[0];
      keys[page] = (keys[page] || []).concat(Object.keys(result.matchData.metadata));
    });
    results.forEach(function (result) {
      var held = keys[result.ref.split("#")[0]];
      var found = asked.filter(function (forms) {
        return held.some(function (key) {
          return forms.some(function (form) { return key.indexOf(form) === 0; });
        });
      }).length;
      result.score *= Math.pow(found / asked.length, COORDINATION);
    });
    return results.sort(function (a, b) { return b.score - a.score; });
  };

  self.addEventListener("message", function (event) {
    var message = event.data;
    if (message.type === 0) {
      var config = message.data.config;
      separator = new RegExp(config.separator, "g");
      language = config.lang[0];
    }
    if (message.type === 2 && typeof message.data === "string")
      message = { type: message.type, data: rewrite(message.data) };
    material({ data: message });
  });
})();

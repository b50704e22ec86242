// Search, loaded on demand. Material starts its search worker and hands it the
// index on every page load; a site may name its own worker instead (the
// theme's config.search), speaking the theme's worker messages. This one
// answers the page at once and, on the first real query, starts Material's
// own worker, unchanged (named in this file's ?worker= parameter), in a
// worker of its own, hands it the whole index and relays its answers.
"use strict";
// Material's worker messages (SearchMessageType in its sources).
var SETUP = 0;
var READY = 1;
var RESULT = 3;
var WORKER = new URL(new URL(self.location.href).searchParams.get("worker"), self.location.href);
var INDEX = new URL("../../../search/indice.json", self.location.href);
var options = {};
var material = null;

function start() {
  return fetch(INDEX)
    .then(function (response) { return response.json(); })
    .then(function (index) {
      var worker = new Worker(WORKER);
      worker.addEventListener("message", function (event) {
        if (event.data.type !== READY) self.postMessage(event.data);
      });
      worker.postMessage({
        type: SETUP,
        data: { config: index.config, docs: index.docs, options: options },
      });
      return worker;
    });
}

self.addEventListener("message", function (event) {
  var message = event.data;
  if (message.type === SETUP) {
    options = message.data.options || {};
    self.postMessage({ type: READY });
    return;
  }
  // The page sends the empty query as it starts: nothing to find yet.
  if (!material && !String(message.data).trim()) {
    self.postMessage({ type: RESULT, data: { items: [] } });
    return;
  }
  // Material's query lexer reads a word followed by a colon as a field name
  // and drops it ("ConnectionRefusedError: [Errno 111]" loses its first
  // word), and reads * ~ ^ + - as operators (nginx's "*1" and a leading "-"
  // empty a pasted line); the index splits words at all of them anyway, so
  // each is a space.
  var query = {
    type: message.type,
    data: String(message.data).replace(/[:*~^+"]|(^|\s)-/g, " "),
  };
  material = material || start();
  material.then(
    function (worker) { worker.postMessage(query); },
    function (error) {
      console.warn("Search unavailable:", error);
      self.postMessage({ type: RESULT, data: { items: [] } });
    },
  );
});

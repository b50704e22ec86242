// Search, loaded on demand. Material starts its search worker and fetches the
// whole index on every page load; this worker stands in for it, answers the
// page at once, and fetches the index, the real worker and the stemmer only
// when the reader first searches.
"use strict";
var REAL_WORKER = "__REAL_WORKER__";
var INDEX = new URL("__INDEX__", self.location.href).href;
var send = self.postMessage.bind(self);
var options = {};
var handler = null;
var replies = [];
var ready = null;
var queue = Promise.resolve();

// Run one message through the real worker and wait for its reply.
function dispatch(message) {
  return new Promise(function (resolve) {
    replies.push(resolve);
    handler({ data: message });
  });
}

function load() {
  if (!ready) {
    ready = fetch(INDEX)
      .then(function (response) { return response.json(); })
      .then(function (index) {
        var add = self.addEventListener;
        self.addEventListener = function (type, listener) {
          if (type === "message") handler = listener;
          else add.apply(self, arguments);
        };
        importScripts(REAL_WORKER);
        self.addEventListener = add;
        self.postMessage = function (reply) { replies.shift()(reply); };
        return dispatch({
          type: 0,
          data: { config: index.config, docs: index.docs, options: options },
        });
      });
  }
  return ready;
}

self.addEventListener("message", function (event) {
  var message = event.data;
  if (message.type === 0) {
    options = message.data.options || {};
    send({ type: 1 });
    return;
  }
  // Material sends the empty query when the page starts: nothing to find.
  if (message.type === 2 && !String(message.data).trim()) {
    queue = queue.then(function () { send({ type: 3, data: { items: [] } }); });
    return;
  }
  queue = queue
    .then(load)
    .then(function () { return dispatch(message); })
    .then(send, function (error) {
      console.warn("Search unavailable:", error);
      send({ type: 3, data: { items: [] } });
    });
});

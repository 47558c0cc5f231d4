/* What every page's script shares, loaded first by templates/base.html (no build step):
   - Terminpraxis.states: the queue's words from queue_core.states (ticket, appointment, event),
     read from the page's <script type="application/json" id="queue-words">, the same as /states.json;
   - Terminpraxis.request: a JSON request to the server with the staff session's CSRF token, an
     address starting with "/" taken under the page's location (Terminpraxis.place: "" at the
     first location, "/standort/<slug>" at a further one, from <meta name="location-root">);
   - Terminpraxis.fill: a translated text's %(name)s placeholders filled in;
   - Terminpraxis.formatCode: an appointment code grouped as the server prints it (K7M4-QXZ9). */
(function () {
  "use strict";
  var words = {};
  var source = document.getElementById("queue-words");
  try { if (source) words = JSON.parse(source.textContent); } catch (e) { words = {}; }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  var place = (document.querySelector('meta[name="location-root"]') || {}).content || "";

  /* Resolves {status, ok, body}; body is null for 204 and for an answer that is not JSON. */
  function request(method, url, body, options) {
    var init = {method: method, credentials: (options && options.credentials) || "same-origin",
                headers: {"Accept": "application/json"}};
    var token = csrfToken();
    if (token) init.headers["X-CSRFToken"] = token;
    if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    if (url.charAt(0) === "/" && place && url.indexOf(place + "/") !== 0) url = place + url;
    return fetch(url, init).then(function (response) {
      var answer = function (parsed) { return {status: response.status, ok: response.ok, body: parsed}; };
      if (response.status === 204) return answer(null);
      return response.json().then(answer, function () { return answer(null); });
    });
  }

  function fill(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (_, name) {
      return values[name] == null ? "" : values[name];
    });
  }

  function formatCode(chars) {
    return chars.length > 4 ? chars.slice(0, 4) + "-" + chars.slice(4) : chars;
  }

  window.Terminpraxis = {
    states: {ticket: words.ticket_states || {}, appointment: words.appointment_states || {},
             event: words.event_kinds || {}},
    place: place, request: request, fill: fill, formatCode: formatCode
  };
})();

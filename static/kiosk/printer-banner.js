// Staff pages: keep the receipt-printer banner current (GET /api/v1/printer, staff session).
(function () {
  "use strict";
  var banner = document.getElementById("printer-banner");
  if (!banner || !window.fetch) return;
  var text = banner.querySelector('[data-field="text"]');
  var INTERVAL_MS = 30000;

  function show(problem) {
    if (!problem) { banner.hidden = true; return; }
    var words = "Problem um " + problem.at + " Uhr";
    if (problem.number) words += " (Wartenummer " + problem.number + ")";
    text.textContent = words + ": " + problem.error;
    banner.hidden = false;
  }

  function poll() {
    fetch(banner.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) throw new Error("signed out");
        return response.ok ? response.json() : null;
      })
      .then(function (body) { if (body) show(body.problem); setTimeout(poll, INTERVAL_MS); })
      .catch(function () { /* signed out: stop */ });
  }
  setTimeout(poll, INTERVAL_MS);
})();

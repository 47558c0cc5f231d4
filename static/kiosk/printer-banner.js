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
    window.Terminpraxis.request("GET", banner.dataset.url)
      .then(function (res) {
        if (res.status === 401 || res.status === 403) throw new Error("signed out");
        if (res.ok && res.body) show(res.body.problem);
        setTimeout(poll, INTERVAL_MS);
      })
      .catch(function () { /* signed out: stop */ });
  }
  setTimeout(poll, INTERVAL_MS);
})();

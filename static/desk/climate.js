/* Desk: the two-tap climate note (POST /api/v1/climate) on the visit this caseworker called last. */
(function () {
  "use strict";
  var box = document.getElementById("climate");
  if (!box) return;
  var status = document.getElementById("climate-status");
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  box.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var body = button.dataset.climate ? { climate: button.dataset.climate } : { incident: button.dataset.incident };
    fetch(((document.querySelector('meta[name="location-root"]') || {}).content || "") + "/api/v1/climate", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error((data.error && data.error.message) || response.status);
        box.querySelectorAll(button.dataset.climate ? "[data-climate]" : "[data-incident]").forEach(function (b) {
          b.setAttribute("aria-pressed", String(b === button));
        });
        status.textContent = "gespeichert: " + button.textContent;
      });
    }).catch(function (error) { status.textContent = "nicht gespeichert: " + error.message; });
  });
})();

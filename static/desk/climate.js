/* Desk: the two-tap climate note (POST /api/v1/climate) on the visit this caseworker called last. */
(function () {
  "use strict";
  var box = document.getElementById("climate");
  if (!box) return;
  var status = document.getElementById("climate-status");
  box.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var body = button.dataset.climate ? { climate: button.dataset.climate } : { incident: button.dataset.incident };
    window.Terminpraxis.request("POST", "/api/v1/climate", body).then(function (res) {
      if (!res.ok) throw new Error((res.body && res.body.error && res.body.error.message) || res.status);
      box.querySelectorAll(button.dataset.climate ? "[data-climate]" : "[data-incident]").forEach(function (b) {
        b.setAttribute("aria-pressed", String(b === button));
      });
      status.textContent = "gespeichert: " + button.textContent;
    }).catch(function (error) { status.textContent = "nicht gespeichert: " + error.message; });
  });
})();

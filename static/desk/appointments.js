(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var place = (document.querySelector('meta[name="location-root"]') || {}).content || "";
  var message = document.getElementById("message");
  var texts = JSON.parse(document.getElementById("desk-texts").textContent);
  document.querySelectorAll("button[data-act]").forEach(function (button) {
    button.addEventListener("click", function () {
      fetch(place + "/api/v1/appointments/" + button.dataset.id + "/" + button.dataset.act, {
        method: "POST", credentials: "same-origin",
        headers: {"X-CSRFToken": token, "Content-Type": "application/json"}, body: "{}"
      }).then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
        .then(function (res) {
          if (res.ok) {
            var row = button.closest("tr");
            var st = res.body.appointment.state;
            row.querySelector(".state").textContent = texts.states[st] || st;
            row.querySelectorAll("button[data-act]").forEach(function (b) { b.remove(); });
          } else {
            message.hidden = false;
            message.textContent = texts.errors[res.body.error.code] || res.body.error.message;
          }
        });
    });
  });
})();

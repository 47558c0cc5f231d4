(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var message = document.getElementById("message");
  document.querySelectorAll("button[data-act]").forEach(function (button) {
    button.addEventListener("click", function () {
      fetch("/api/v1/appointments/" + button.dataset.id + "/" + button.dataset.act, {
        method: "POST", credentials: "same-origin",
        headers: {"X-CSRFToken": token, "Content-Type": "application/json"}, body: "{}"
      }).then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
        .then(function (res) {
          if (res.ok) {
            var row = button.closest("tr");
            row.querySelector(".state").textContent = res.body.appointment.state;
            row.querySelectorAll("button[data-act]").forEach(function (b) { b.remove(); });
          } else {
            message.hidden = false; message.textContent = res.body.error.message;
          }
        });
    });
  });
})();

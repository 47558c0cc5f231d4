(function () {
  "use strict";
  var message = document.getElementById("message");
  var texts = JSON.parse(document.getElementById("desk-texts").textContent);
  document.querySelectorAll("button[data-act]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.Terminpraxis.request("POST", "/api/v1/appointments/" + button.dataset.id + "/" + button.dataset.act, {})
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

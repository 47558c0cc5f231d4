/* Phone booking: surname + service → proposed caseworker and the free slots of 7 days. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var form = $("booking-form");
  if (!form) return;
  var timer = null;
  var DAYS = ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"];

  function load() {
    var params = new URLSearchParams({service: $("service").value, days: "7", limit: "2000"});
    if ($("staff").value) params.set("staff", $("staff").value);
    else if ($("name").value.trim()) params.set("letter", $("name").value.trim().charAt(0));  // the server folds Ä→A
    window.Terminpraxis.request("GET", "/api/v1/slots?" + params).then(function (res) {
      var box = $("slots"); box.textContent = "";
      if (res.status !== 200) { $("proposal").textContent = res.body.error.message; return; }
      var names = {};
      res.body.caseworkers.forEach(function (c) { names[c.username] = c.name; });
      $("proposal").textContent = res.body.caseworkers.length
        ? "Zuständig: " + res.body.caseworkers.map(function (c) { return c.name; }).join(", ")
        : "Niemand ist für diese Leistung zuständig.";
      var byDay = {};
      res.body.slots.forEach(function (s) { (byDay[s.date] = byDay[s.date] || []).push(s); });
      Object.keys(byDay).sort().forEach(function (day) {
        var col = document.createElement("div"); col.className = "day";
        var h = document.createElement("h2");
        var d = new Date(day + "T12:00:00");
        h.textContent = DAYS[d.getDay()] + " " + day.slice(8, 10) + "." + day.slice(5, 7) + ".";
        col.appendChild(h);
        byDay[day].slice(0, 40).forEach(function (s) {
          var b = document.createElement("button");
          b.type = "button"; b.className = "slot";
          b.textContent = s.time + " · " + (names[s.staff] || s.staff);
          b.setAttribute("aria-pressed", "false");
          b.dataset.startsAt = s.starts_at; b.dataset.staff = s.staff;
          b.addEventListener("click", function () { choose(b, s, names); });
          col.appendChild(b);
        });
        box.appendChild(col);
      });
      if (!res.body.slots.length) box.textContent = "Keine freien Termine in den nächsten 7 Tagen.";
    });
  }
  function choose(button, slot, names) {
    document.querySelectorAll("#slots button[aria-pressed=true]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    button.setAttribute("aria-pressed", "true");
    $("starts_at").value = slot.starts_at;
    $("staff").value = slot.staff;
    $("slot-chosen").textContent = "Gewählt: " + slot.date.split("-").reverse().join(".") + " " + slot.time +
      " Uhr bei " + (names[slot.staff] || slot.staff);
  }
  function later() { clearTimeout(timer); timer = setTimeout(load, 250); }
  $("name").addEventListener("input", later);
  $("service").addEventListener("change", load);
  $("staff").addEventListener("change", load);
  form.addEventListener("submit", function (e) {
    if (e.submitter && e.submitter.id === "no-visit") return;  // no slot needed: documents come by post
    if (!$("starts_at").value) { e.preventDefault(); $("slot-chosen").textContent = "Bitte zuerst einen freien Termin wählen."; }
  });
  load();
})();

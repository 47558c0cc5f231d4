/* The desk page: state from GET /api/v1/desks/<desk>/state, actions through the staff API,
   live over Socket.IO /desk (any update or a seq gap → re-read the state). */
(function () {
  "use strict";
  var root = document.getElementById("desk");
  if (!root) return;
  var desk = root.dataset.desk;
  var TP = window.Terminpraxis;
  var place = TP.place;  // "/standort/<slug>" at a further location
  var state = null, seq = 0, refreshing = false, again = false;
  var $ = function (id) { return document.getElementById(id); };

  function api(method, path, body) { return TP.request(method, "/api/v1" + path, body); }
  function say(text, isError) {
    var m = $("message");
    m.hidden = !text; m.textContent = text || "";
    m.className = "message" + (isError ? " error" : "");
  }
  function li(parts) {
    var item = document.createElement("li");
    parts.forEach(function (p) {
      var el = document.createElement(p.tag || "span");
      if (p.cls) el.className = p.cls;
      el.textContent = p.text;
      if (p.click) { el.type = "button"; el.addEventListener("click", p.click); }
      item.appendChild(el);
    });
    return item;
  }
  var texts = JSON.parse($("desk-texts").textContent);
  var STATES = texts.states;
  function errorText(res) {  // the staff's language, never the API's English
    var error = (res.body && res.body.error) || {};
    return texts.errors[error.code] || error.message || "";
  }

  function render(s) {
    state = s;
    $("room").textContent = s.room || desk;
    var cur = s.current;
    $("current-number").textContent = cur ? cur.number : "–";
    $("current-state").textContent = cur ? (STATES[cur.state] || cur.state) + " · " + cur.service_name : "";
    $("reason").textContent = cur && cur.reason ? cur.reason.text : "";
    $("idle").textContent = !cur && s.idle ? s.idle.text : "";
    $("idle").hidden = !!cur || !s.idle;
    $("desk-state").textContent = s.desk_state === "paused" ? "Pause" : "";
    $("pause-toggle").textContent = s.desk_state === "paused" ? "Weiter (Pause beenden)" : "Pause";
    var list = $("appointments"); list.textContent = "";
    s.appointments.forEach(function (a) {
      var st = a.ticket_state ? (STATES[a.ticket_state] || a.ticket_state) + " " + a.ticket_number : (STATES[a.state] || a.state);
      list.appendChild(li([{text: a.time, cls: "time"}, {text: a.service_name}, {text: st},
        {tag: "button", text: "Vorbereitung", click: function () { details(a.id); }}]));
    });
    if (!s.appointments.length) list.appendChild(li([{text: "Keine Termine heute."}]));
    var waiting = $("waiting"); waiting.textContent = "";
    var select = $("override-ticket"); select.textContent = "";
    var urgentSelect = $("urgent-ticket"); urgentSelect.textContent = "";
    s.waiting.forEach(function (t) {
      var extra = t.kind === "appointment" ? "Termin " + t.appointment_time : "seit " + t.waiting_min + " min";
      if (t.estimated_wait_min != null) extra += " · noch etwa " + t.estimated_wait_min + " min";
      var parts = [{text: t.number, cls: "time"}, {text: t.service_name}, {text: extra}];
      if (t.urgent) parts.push({text: "dringend", cls: "urgent"});
      waiting.appendChild(li(parts));
      var o = document.createElement("option"); o.value = t.id; o.textContent = t.number; select.appendChild(o);
      if (t.kind === "walk_in" && !t.urgent) {
        var u = document.createElement("option"); u.value = t.id; u.textContent = t.number; urgentSelect.appendChild(u);
      }
    });
    if (!s.waiting.length) waiting.appendChild(li([{text: "Niemand wartet."}]));
  }
  function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    api("GET", "/desks/" + encodeURIComponent(desk) + "/state").then(function (res) {
      refreshing = false;
      if (res.status === 401) { window.location = place + "/desk/login?next=" + place + "/desk"; return; }
      if (res.status === 200) { render(res.body); if (res.body.seq > seq) seq = res.body.seq; }
      if (again) { again = false; refresh(); }
    }, function () { refreshing = false; });
  }
  function details(id) {
    api("GET", "/appointments/" + id).then(function (res) {
      if (res.status !== 200) { say(errorText(res), true); return; }
      var a = res.body.appointment, body = $("details-body"); body.textContent = "";
      [["Zeit", a.time], ["Name", a.name], ["Geburtsdatum", a.birth_date], ["Telefon", a.phone],
       ["Anliegen", a.concern], ["Notizen", a.notes], ["Mitzubringen", (a.documents || []).join(", ")],
       ["Bedarf", a.needs_text],
       ["Termincode", a.code_display]].forEach(function (pair) {
        var dt = document.createElement("dt"); dt.textContent = pair[0];
        var dd = document.createElement("dd"); dd.textContent = pair[1] || "–";
        body.appendChild(dt); body.appendChild(dd);
      });
      $("details").showModal();
    });
  }
  function current() { return state && state.current; }
  function act(action) {
    say("");
    if (action === "next") {
      return api("POST", "/desks/" + encodeURIComponent(desk) + "/call-next").then(function (res) {
        if (res.status === 204) say("Niemand ist jetzt aufrufbar – der Grund steht darüber.");
        else if (res.status >= 400) say(errorText(res), true);
        refresh();
      });
    }
    var cur = current();
    if (!cur) { say("Kein aktueller Aufruf.", true); return; }
    $("undo-row").hidden = true;
    // "Not shown up" ends the visit: ask once more, and offer to undo it afterwards.
    if (action === "no-show" && confirmNoShow !== cur.id) {
      confirmNoShow = cur.id;
      say(texts.messages.confirm_no_show);
      setTimeout(function () { if (confirmNoShow === cur.id) { confirmNoShow = null; say(""); } }, 8000);
      return;
    }
    confirmNoShow = null;
    var body = {};
    if (action === "finish") {
      body.outcome = document.querySelector('input[name="outcome"]:checked').value;
    }
    return api("POST", "/tickets/" + cur.id + "/" + action, body).then(function (res) {
      if (res.status >= 400) say(errorText(res), true);
      else if (action === "no-show") {
        undoTicket = cur;
        say(TP.fill(texts.messages.no_show_done, {number: cur.number}));
        $("undo-row").hidden = false;
      }
      else if (action === "finish" && body.outcome === "follow_up") {
        window.location = root.dataset.bookingUrl + "?service=" + encodeURIComponent(cur.service) +
          "&staff=" + encodeURIComponent(root.dataset.user);
        return;
      }
      refresh();
    });
  }
  var confirmNoShow = null, undoTicket = null;
  $("undo").addEventListener("click", function () {
    if (!undoTicket) return;
    var ticket = undoTicket;
    api("POST", "/tickets/" + ticket.id + "/requeue", {}).then(function (res) {
      $("undo-row").hidden = true;
      undoTicket = null;
      if (res.status >= 400) say(errorText(res), true); else say(TP.fill(texts.messages.undone, {number: ticket.number}));
      refresh();
    });
  });
  root.querySelectorAll("button[data-action]").forEach(function (b) {
    b.addEventListener("click", function () { act(b.dataset.action); });
  });
  var KEYS = {n: "next", r: "recall", s: "start", f: "finish", x: "no-show"};
  document.addEventListener("keydown", function (e) {
    var tag = (e.target.tagName || "").toLowerCase();
    if (e.ctrlKey || e.metaKey || e.altKey || tag === "input" || tag === "textarea" || tag === "select") return;
    var action = KEYS[e.key.toLowerCase()];
    if (action) { e.preventDefault(); act(action); }
  });
  $("transfer-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var cur = current(); if (!cur) { say("Kein aktueller Aufruf.", true); return; }
    var body = {};
    if ($("transfer-service").value) body.service = $("transfer-service").value;
    if ($("transfer-staff").value) body.staff = $("transfer-staff").value;
    api("POST", "/tickets/" + cur.id + "/transfer", body).then(function (res) {
      if (res.status >= 400) say(errorText(res), true); refresh();
    });
  });
  $("override-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var id = $("override-ticket").value; if (!id) return;
    api("POST", "/tickets/" + id + "/call", {desk: desk, note: $("override-note").value}).then(function (res) {
      if (res.status >= 400) say(errorText(res), true); refresh();
    });
  });
  $("urgent-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var id = $("urgent-ticket").value; if (!id) return;
    api("POST", "/tickets/" + id + "/urgent", {reason: $("urgent-reason").value}).then(function (res) {
      if (res.status >= 400) say(res.body.error.message, true);
      else { say("Als dringend markiert: " + res.body.ticket.number); $("urgent-reason").value = ""; }
      refresh();
    });
  });
  $("pause-toggle").addEventListener("click", function () {
    var paused = state && state.desk_state === "paused";
    api("POST", "/desks/" + encodeURIComponent(desk) + (paused ? "/resume" : "/pause")).then(function (res) {
      if (res.status >= 400) say(errorText(res), true); refresh();
    });
  });

  refresh();
  if (window.io) {
    var socket = window.io("/desk", {transports: ["websocket", "polling"]});
    socket.on("connect", function () { $("live").textContent = "live"; });
    socket.on("disconnect", function () { $("live").textContent = "verbinde neu …"; });
    socket.on("snapshot", function (s) { seq = s.seq; refresh(); });
    socket.on("update", function (u) {
      if (u.seq <= seq) return;
      seq = u.seq;
      refresh();
    });
  }
})();

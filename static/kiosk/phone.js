// Phone status page: live status over Socket.IO namespace /ticket; vibrates when the number is called.
(function () {
  "use strict";
  var root = document.getElementById("phone");
  if (!root || typeof io === "undefined") return;
  var texts = JSON.parse(document.getElementById("texts").textContent);
  var stateEl = document.getElementById("state");
  var facts = document.getElementById("facts");
  var lost = document.getElementById("connection");
  var moved = document.getElementById("moved");
  var last = stateEl.dataset.state;
  var lastSeq = -1;  // statuses carry the log seq they are current as of; an older one is stale

  var TP = window.Terminpraxis, TICKET = TP.states.ticket;
  function onTheWay(state) { return state === TICKET.CALLED || state === TICKET.SERVING; }
  function alertVisitor() {
    try { if (navigator.vibrate) navigator.vibrate([400, 150, 400, 150, 400]); } catch (e) { /* not allowed */ }
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      var ctx = new Ctx(), osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 660; gain.gain.value = 0.2;
      osc.connect(gain); gain.connect(ctx.destination); osc.start(); osc.stop(ctx.currentTime + 0.4);
    } catch (e) { /* the phone does not allow sound without a tap */ }
  }
  function calledTo(room) {  // the room in its own left-to-right span, so "214" never flips in Arabic
    var parts = texts.called.split("%(room)s");
    while (stateEl.firstChild) stateEl.removeChild(stateEl.firstChild);
    stateEl.appendChild(document.createTextNode(parts[0]));
    var bdi = document.createElement("bdi");
    bdi.dir = "ltr";
    bdi.textContent = room || "";
    stateEl.appendChild(bdi);
    stateEl.appendChild(document.createTextNode(parts.slice(1).join("")));
  }
  function render(s) {
    if (typeof s.seq === "number") {
      if (s.seq < lastSeq) return;
      lastSeq = s.seq;
    }
    var wasCalled = onTheWay(last);
    // Called, then back in line (a transfer or a requeue): say so instead of silently changing.
    if (s.state === TICKET.WAITING && wasCalled) moved.hidden = false;
    else if (s.state !== TICKET.WAITING) moved.hidden = true;
    var called = onTheWay(s.state);
    stateEl.dataset.state = s.state;
    if (s.state === TICKET.WAITING) stateEl.textContent = texts.waiting;
    else if (called) calledTo(s.room);
    else if (s.state === TICKET.DONE) stateEl.textContent = texts.done;
    else stateEl.textContent = texts.other;
    facts.hidden = s.state !== TICKET.WAITING;
    document.getElementById("number").textContent = s.number;
    document.getElementById("position").textContent = s.position == null ? "" : s.position;
    var range = s.wait_range;
    document.getElementById("wait").textContent = !range ? "" :
      (range[1] <= 5 ? texts.few : TP.fill(texts.range, { low: range[0], high: range[1] }));
    if (called && last !== s.state && !wasCalled) alertVisitor();
    last = s.state;
  }
  var socket = io("/ticket", { auth: { token: root.dataset.token }, transports: ["websocket", "polling"] });
  socket.on("status", render);
  socket.on("connect", function () { lost.hidden = true; });
  socket.on("disconnect", function () { lost.hidden = false; });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && socket.connected) socket.emit("status");
  });
})();

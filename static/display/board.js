/* Hallway board client: snapshot on (re)connect, events applied in seq order, snapshot on a gap,
   chime + speech for each call, a small "reconnecting" mark, never blank. No innerHTML with data. */
(function () {
  "use strict";
  var root = document.getElementById("board");
  var config = JSON.parse(document.getElementById("board-config").textContent);
  var zone = root.dataset.zone || "";
  var history = parseInt(root.dataset.history, 10) || 6;
  var highlightMs = (parseFloat(root.dataset.highlightS) || 10) * 1000;
  var heartbeatMs = (parseFloat(root.dataset.heartbeatS) || 30) * 1000;
  var timeZone = root.dataset.timezone || "Europe/Berlin";
  var chime = document.getElementById("chime");
  var soundMark = document.getElementById("sound-mark");
  var state = null;
  var clockOffset = 0;  // server time − browser time, ms
  var freshTimer = null;
  var soundEnabled = null;  // unknown until the first chime or the first click
  var awaitingSnapshot = false;
  var TP = window.Terminpraxis, CALLED = TP.states.event.CALLED;
  var stats = window.boardStats = {snapshots: 0, calls: 0, chimes: 0, chimeBlocked: 0, gaps: 0, spoken: []};

  function $(id) { return document.getElementById(id); }
  function text(el, value) { el.textContent = value == null ? "" : String(value); }

  function render() {
    var called = state.called || [];
    var newest = called[0];
    var section = $("newest");
    section.classList.toggle("has-call", !!newest);
    text($("newest-number"), newest ? newest.number : "");
    text($("newest-room"), newest ? newest.room : "");
    var list = $("calls");
    while (list.firstChild) list.removeChild(list.firstChild);
    called.slice(1, history + 1).forEach(function (call) {
      var li = document.createElement("li");
      ["number", "room", "time"].forEach(function (key) {
        var span = document.createElement("span");
        span.className = key;
        text(span, call[key]);
        li.appendChild(span);
      });
      list.appendChild(li);
    });
    var waiting = state.waiting || {};
    text($("waiting-appointment"), waiting.appointment != null ? waiting.appointment : "–");
    text($("waiting-walk-in"), waiting.walk_in != null ? waiting.walk_in : "–");
    var hasEstimate = state.walk_in_wait_min != null;
    document.querySelectorAll(".estimate-part").forEach(function (el) { el.hidden = !hasEstimate; });
    text($("estimate"), hasEstimate ? TP.fill(config.texts.estimate, {min: state.walk_in_wait_min}) : "");
    text($("ticker"), state.message || "");
    root.dataset.seq = state.seq;
  }

  function highlight() {
    var section = $("newest");
    section.classList.add("fresh");
    clearTimeout(freshTimer);
    freshTimer = setTimeout(function () { section.classList.remove("fresh"); }, highlightMs);
  }

  function applySnapshot(snapshot) {
    stats.snapshots += 1;
    awaitingSnapshot = false;
    state = snapshot;
    if (snapshot.server_time) clockOffset = Date.parse(snapshot.server_time) - Date.now();
    render();
  }

  function applyCounts(event) {
    if (event.waiting) state.waiting = event.waiting;
    if ("walk_in_wait_min" in event) state.walk_in_wait_min = event.walk_in_wait_min;
  }

  function applyCall(event) {
    var entry = {number: event.number, room: event.room, called_at: event.called_at, time: event.time};
    state.called = [entry].concat((state.called || []).filter(function (c) { return c.number !== event.number; }))
      .slice(0, history + 1);
  }

  // Each message carries the seq it is current as of and ``prev``, the seq of the message sent to
  // this board's room before it. A prev beyond our own seq means we missed one: ask for the full state.
  function onEvent(kind, event) {
    if (!state || typeof event.seq !== "number") return;
    if (event.seq < state.seq || (kind === CALLED && event.seq === state.seq)) return;  // already held
    if (kind === CALLED) announce(event);  // never swallow a call, even on a gap
    if (typeof event.prev !== "number" || event.prev > state.seq) {
      stats.gaps += 1;
      if (kind === CALLED) { applyCall(event); render(); highlight(); }
      requestSnapshot();
      return;
    }
    state.seq = event.seq;
    applyCounts(event);
    if (kind === CALLED) { applyCall(event); highlight(); }
    render();
  }

  // The heartbeat's answer names the server's latest seq; the counts after an event may take a
  // moment (they are coalesced), so a board still behind a little later missed a message.
  function checkSeq(answer) {
    if (!answer || typeof answer.seq !== "number" || !state || answer.seq <= state.seq) return;
    var behind = answer.seq;
    setTimeout(function () {
      if (state.seq < behind) { stats.gaps += 1; requestSnapshot(); }
    }, 1500);
  }

  function requestSnapshot() {
    if (awaitingSnapshot) return;
    awaitingSnapshot = true;
    socket.emit("snapshot");
    setTimeout(function () { awaitingSnapshot = false; }, 3000);
  }

  // --- sound: chime, then the call spoken in German and in the visitor's language ---------------
  var queue = [];
  var speaking = false;

  function spokenNumber(number) {  // "W 012" → "W 12": numbers are spoken as numbers
    return String(number || "").replace(/(^|\s)0+(\d)/g, "$1$2");
  }

  function phrase(lang, recall, event) {
    var p = config.phrases[lang] || config.phrases.de;
    return {lang: p.lang, code: lang, number: event.number, room: event.room, recall: !!recall,
      spoken: spokenNumber(event.number),
      text: TP.fill(recall ? p.recall : p.call, {number: spokenNumber(event.number), room: event.room})};
  }

  function announce(event) {
    stats.calls += 1;
    var lines = [phrase("de", event.recall, event)];
    var lang = (event.language || "de").split("-")[0].toLowerCase();
    if (lang !== "de" && config.phrases[lang]) lines.push(phrase(lang, event.recall, event));
    queue.push(lines);
    if (!speaking) next();
  }

  function next() {
    var lines = queue.shift();
    if (!lines) { speaking = false; return; }
    speaking = true;
    playChime(function () { speak(lines, next); });
  }

  function playChime(done) {
    var finished = false;
    function finish() { if (!finished) { finished = true; done(); } }
    try {
      chime.currentTime = 0;
      var playing = chime.play();
      if (playing && playing.then) {
        playing.then(function () { setSound(true); }, function () { stats.chimeBlocked += 1; soundFailed(); finish(); });
      }
    } catch (e) { soundFailed(); finish(); return; }
    chime.onended = finish;
    setTimeout(finish, 2500);
  }

  chime.addEventListener("play", function () {
    if (chime.muted || probing) return;  // the silent unlock/probe is not a chime
    stats.chimes += 1; root.dataset.chimes = stats.chimes;
  });

  function speak(lines, done) {
    if (window.boardSpeech) {  // static/display/speech.js: browser voice or the server's rendering
      lines.forEach(function (line) { stats.spoken.push(line); });
      window.boardSpeech.speak(lines, done);
      return;
    }
    if (!window.speechSynthesis || !window.SpeechSynthesisUtterance) { done(); return; }
    var pending = lines.length;
    var timer = setTimeout(done, 15000);
    lines.forEach(function (line) {
      stats.spoken.push(line);
      var utterance = new SpeechSynthesisUtterance(line.text);
      utterance.lang = line.lang;
      utterance.rate = 0.9;
      utterance.onend = utterance.onerror = function () {
        pending -= 1;
        if (pending === 0) { clearTimeout(timer); done(); }
      };
      window.speechSynthesis.speak(utterance);
    });
  }

  // What the board can do goes to the health page; the note asking for a click shows only after a
  // call's sound was really refused (a wall TV in kiosk mode never sees it).
  function setSound(enabled) {
    if (enabled) soundMark.hidden = true;
    if (soundEnabled === enabled) return;
    soundEnabled = enabled;
    root.dataset.sound = enabled ? "1" : "0";
    heartbeat();
  }

  function soundFailed() {
    setSound(false);
    if (soundMark.hidden) console.warn("board: the browser refused to play the call; click once, or start the TV with tools/board-kiosk.sh");
    soundMark.hidden = false;
  }
  window.boardSoundFailed = soundFailed;  // speech.js: the server's spoken call was refused too

  function enableSound() {
    // A user gesture unlocks audio: play the chime muted once, then report.
    chime.muted = true;
    var p = chime.play();
    var after = function () { chime.pause(); chime.muted = false; chime.currentTime = 0; };
    if (p && p.then) p.then(function () { after(); setSound(true); }, after); else after();
  }
  soundMark.addEventListener("click", enableSound);
  document.addEventListener("click", function (e) { if (e.target !== soundMark && soundEnabled !== true) enableSound(); });

  // --- clock ---------------------------------------------------------------------------------
  var clockFormat = new Intl.DateTimeFormat("de-DE", {hour: "2-digit", minute: "2-digit", timeZone: timeZone});
  function tick() {
    var now = new Date(Date.now() + clockOffset);
    var clock = $("clock");
    text(clock, clockFormat.format(now));
    clock.setAttribute("datetime", now.toISOString());
  }

  // --- connection ----------------------------------------------------------------------------
  applySnapshot(config.snapshot);  // server-rendered state: the board is never blank
  stats.snapshots = 0;
  tick();
  setInterval(tick, 1000);

  var query = zone ? {zone: zone} : {};
  if (root.dataset.location) query.location = root.dataset.location;  // a further location's board
  var socket = io("/board", {query: query, reconnectionDelayMax: 3000});
  window.boardSocket = socket;
  socket.on("connect", function () { $("reconnecting").hidden = true; root.dataset.connected = "1"; heartbeat(); });
  socket.on("disconnect", function () { $("reconnecting").hidden = false; root.dataset.connected = "0"; });
  socket.on("connect_error", function () { $("reconnecting").hidden = false; });
  socket.on("snapshot", applySnapshot);
  socket.on(CALLED, function (event) { onEvent(CALLED, event); });
  socket.on("update", function (event) { onEvent("update", event); });

  function heartbeat() {
    if (!socket || !socket.connected) return;
    var beat = {seq: state ? state.seq : 0};
    if (soundEnabled !== null) beat.sound_enabled = soundEnabled;
    socket.emit("heartbeat", beat, checkSeq);
  }
  setInterval(heartbeat, heartbeatMs);

  // Audio may be blocked until the first interaction: find out now, silently. Muted media may always
  // play, so the probe plays unmuted at volume 0: only a browser that allows sound lets it start.
  var probing = false;
  (function probeSound() {
    probing = true;
    chime.volume = 0;
    var after = function () { chime.pause(); chime.currentTime = 0; chime.volume = 1; probing = false; };
    var p;
    try { p = chime.play(); } catch (e) { after(); setSound(false); return; }
    if (p && p.then) p.then(function () { after(); setSound(true); }, function () { after(); setSound(false); });
    else after();
  })();
})();

/* Board speech: each spoken line with a browser voice when the TV has one for its language, else
   the server's offline rendering (espeak-ng, GET /display/speech.wav), played after the chime.
   board.js hands the lines over through window.boardSpeech; what works goes to window.deviceState,
   which static/device.js reports to the admin's health page. */
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) return;
  var serverUrl = root.dataset.speechUrl;
  var serverAvailable = root.dataset.serverSpeech === "1";
  var config = JSON.parse(document.getElementById("board-config").textContent);
  var state = window.deviceState = window.deviceState || {};
  var stats = window.speechStats = {browser: 0, server: 0, failed: 0, lines: []};

  function voices() {
    return window.speechSynthesis && window.speechSynthesis.getVoices ? window.speechSynthesis.getVoices() : [];
  }
  function browserVoice(lang) {
    var wanted = String(lang || "de").slice(0, 2).toLowerCase();
    return voices().filter(function (v) { return v.lang && v.lang.slice(0, 2).toLowerCase() === wanted; })[0];
  }

  function describe() {
    var count = voices().length;
    state.speech = count || serverAvailable ? "yes" : "no";
    state.detail = "browser voices: " + count + ", server speech: " + (serverAvailable ? "espeak-ng" : "none");
    var sound = root.dataset.sound;
    state.sound = sound === "1" ? "yes" : sound === "0" ? "blocked" : "unknown";
  }

  function roomIn(code, room) {  // "Zimmer 214" said in the visitor's language
    var found = /^Zimmer\s+(\S+)$/.exec(room || "");
    var p = config.phrases[code];
    return found && p && p.room ? window.Terminpraxis.fill(p.room, {number: found[1]}) : room;
  }

  function withBrowser(line, voice, done) {
    var p = config.phrases[line.code] || config.phrases.de;
    var text = window.Terminpraxis.fill(line.recall ? p.recall : p.call,
                                        {number: line.spoken, room: roomIn(line.code, line.room)});
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = p.lang;
    utterance.voice = voice;
    utterance.rate = 0.9;
    utterance.onend = utterance.onerror = done;
    stats.browser += 1;
    window.speechSynthesis.speak(utterance);
  }

  function withServer(line, done) {
    var url = serverUrl + "?" + new URLSearchParams({number: line.number || "", room: line.room || "",
                                                    lang: line.code, recall: line.recall ? "1" : "0"});
    var audio = new Audio(url);
    var finished = false;
    function finish(ok) {
      if (finished) return;
      finished = true;
      if (ok) stats.server += 1; else stats.failed += 1;
      root.dataset.spoken = stats.server;
      done();
    }
    audio.addEventListener("ended", function () { finish(true); });
    audio.addEventListener("error", function () { finish(false); });
    var playing = audio.play();
    if (playing && playing.catch) {
      playing.catch(function (error) {
        if (error && error.name === "NotAllowedError" && window.boardSoundFailed) window.boardSoundFailed();
        finish(false);
      });
    }
    setTimeout(function () { finish(false); }, 15000);
  }

  function speakLine(line, done) {
    stats.lines.push({code: line.code, number: line.number, room: line.room});
    var voice = browserVoice(line.code);
    if (voice) withBrowser(line, voice, done);
    else if (serverAvailable) withServer(line, done);
    else { stats.failed += 1; done(); }
  }

  window.boardSpeech = {
    speak: function (lines, done) {
      var rest = lines.slice();
      (function nextLine() {
        var line = rest.shift();
        if (!line) { describe(); done(); return; }
        speakLine(line, nextLine);
      })();
    }
  };
  describe();
  if (window.speechSynthesis && "onvoiceschanged" in window.speechSynthesis) {
    window.speechSynthesis.addEventListener("voiceschanged", describe);
  }
  new MutationObserver(function () {
    var before = state.sound;
    describe();
    if (state.sound !== before && window.deviceReport) window.deviceReport();
  }).observe(root, {attributes: true, attributeFilter: ["data-sound"]});
})();

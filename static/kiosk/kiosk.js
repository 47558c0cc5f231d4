// Kiosk behaviour: keypad, always-focused scanner field, clock, inactivity reset, ticket return, print.
(function () {
  "use strict";
  var root = document.getElementById("kiosk");
  if (!root) return;
  var startUrl = root.dataset.startUrl || "/";

  // Inactivity: after idle-seconds without a touch or key, forget everything and go to the start.
  var idleSeconds = parseFloat(root.dataset.idleSeconds || "60");
  var returnSeconds = parseFloat(root.dataset.returnSeconds || "0");
  var timer = null;
  function reset() {
    Array.prototype.forEach.call(document.querySelectorAll("input[type=text]"), function (el) { el.value = ""; });
    window.location.replace(startUrl);
  }
  function arm() {
    clearTimeout(timer);
    var seconds = returnSeconds > 0 ? Math.min(returnSeconds, idleSeconds) : idleSeconds;
    var onStart = window.location.pathname === "/" && document.documentElement.lang === "de";
    if (onStart) return;  // nothing to forget
    timer = setTimeout(reset, seconds * 1000);
  }
  ["pointerdown", "keydown", "input", "touchstart"].forEach(function (type) {
    document.addEventListener(type, arm, { passive: true, capture: true });
  });
  arm();

  // Clock on the start screen.
  var clock = document.getElementById("clock");
  // The office's time, whatever zone the kiosk computer is set to.
  var clockFormat = clock && new Intl.DateTimeFormat("de-DE", {
    hour: "2-digit", minute: "2-digit", timeZone: clock.dataset.timezone || "Europe/Berlin"});
  function tick() {
    clock.textContent = clockFormat.format(new Date());
  }
  if (clock) { tick(); setInterval(tick, 10000); }

  // The code field: keypad taps, scanner input (characters + Enter), always focused.
  var input = document.getElementById("code");
  if (input) {
    var ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    var raw = function () { return input.value.toUpperCase().replace(/[^0-9A-Z]/g, ""); };
    var show = function (chars) { input.value = window.Terminpraxis.formatCode(chars); };
    document.querySelectorAll(".keypad .key[data-key]").forEach(function (key) {
      key.addEventListener("pointerdown", function (e) { e.preventDefault(); });  // keep focus in the field
      key.addEventListener("click", function () {
        var chars = raw();
        var k = key.dataset.key;
        if (k === "back") chars = chars.slice(0, -1);
        else if (k === "clear") chars = "";
        else if (chars.length < 8 && ALPHABET.indexOf(k) >= 0) chars += k;
        show(chars);
        input.focus();
      });
    });
    input.addEventListener("input", function () {
      // Group typed codes (K7M4-QXZ9); leave longer scanner text (a URL) alone.
      if (/^[0-9A-Za-z -]{0,9}$/.test(input.value)) show(raw().slice(0, 8));
    });
    var refocus = function () {
      setTimeout(function () {
        if (!document.activeElement || document.activeElement === document.body) input.focus();
      }, 0);
    };
    input.addEventListener("blur", refocus);
    document.addEventListener("click", refocus);
    input.focus();
    var form = document.getElementById("code-form");
    form.addEventListener("submit", function () {
      document.getElementById("code-submit").disabled = true;  // one tap, one request
    });
  }

  // Walk-in buttons: a double tap sends one request (the request_id makes a repeat harmless anyway).
  document.querySelectorAll("form").forEach(function (form) {
    if (form.id === "code-form") return;
    form.addEventListener("submit", function () {
      setTimeout(function () { form.querySelectorAll("button").forEach(function (b) { b.disabled = true; }); }, 0);
    });
  });

  // Ticket: print button, optional auto-print.
  var print = document.getElementById("print");
  if (print) print.addEventListener("click", function () { window.print(); });
  if (root.dataset.autoPrint === "1") setTimeout(function () { window.print(); }, 300);

  // Rate-limit pause: back to the code screen when the pause is over.
  if (root.dataset.pauseSeconds) {
    setTimeout(function () { window.location.replace(root.dataset.pauseUrl); },
      (parseFloat(root.dataset.pauseSeconds) + 1) * 1000);
  }
})();

/* Kiosk help for visitors who see or read badly: "large text" (kept until the kiosk returns to its
   start) and "read aloud", which speaks the screen in the chosen language with the server's offline
   voice (espeak-ng), the same one the board uses. */
(function () {
  "use strict";
  var box = document.querySelector(".assist");
  if (!box) return;
  var large = document.getElementById("large-text");
  var read = document.getElementById("read-aloud");
  var KEY = "terminpraxis-large-text";
  var stats = window.assistStats = {played: 0, failed: 0};

  function setLarge(on) {
    document.documentElement.classList.toggle("large-text", on);
    large.setAttribute("aria-pressed", on ? "true" : "false");
    try { if (on) sessionStorage.setItem(KEY, "1"); else sessionStorage.removeItem(KEY); } catch (e) { /* private */ }
  }
  var startUrl = (document.getElementById("kiosk") || {dataset: {}}).dataset.startUrl;
  var stored = false;
  try { stored = sessionStorage.getItem(KEY) === "1"; } catch (e) { stored = false; }
  // The next visitor starts with normal text: the start screen in German is the reset point.
  if (startUrl && window.location.pathname === "/" && /[?&]lang=de/.test(window.location.search)) stored = false;
  setLarge(stored);
  large.addEventListener("click", function () { setLarge(!document.documentElement.classList.contains("large-text")); });

  var audio = null;
  read.addEventListener("click", function () {
    var main = document.querySelector("main");
    var text = main ? main.innerText : "";
    if (audio) { audio.pause(); audio = null; }
    read.disabled = true;
    fetch(box.dataset.readUrl, {method: "POST", headers: {"Content-Type": "application/json"},
                                body: JSON.stringify({text: text, lang: document.documentElement.lang || "de"})})
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.blob(); })
      .then(function (blob) {
        audio = new Audio(URL.createObjectURL(blob));
        audio.addEventListener("ended", function () { stats.played += 1; read.disabled = false; });
        return audio.play();
      })
      .catch(function () { stats.failed += 1; read.disabled = false; });
    setTimeout(function () { read.disabled = false; }, 20000);
  });
})();

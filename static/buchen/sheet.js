/* Info sheet: print on opening (from the kiosk's buttons), then go back to the kiosk's info page. */
(function () {
  "use strict";
  var root = document.getElementById("sheet");
  if (!root) return;
  var button = document.getElementById("print-sheet");
  if (button) button.addEventListener("click", function () { window.print(); });
  if (root.dataset.autoPrint === "1") {
    window.addEventListener("afterprint", function () { window.location.href = root.dataset.backUrl; });
    setTimeout(function () { window.print(); }, 300);
  }
})();

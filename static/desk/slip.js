(function () {
  "use strict";
  var button = document.getElementById("print");
  if (button) button.addEventListener("click", function () { window.print(); });
  if (document.body.dataset.autoPrint === "true" && !navigator.webdriver) {
    window.addEventListener("load", function () { window.print(); });
  }
})();

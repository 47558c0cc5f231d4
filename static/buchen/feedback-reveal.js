/* Phone status page: show the feedback question once phone.js marks the visit as done. */
(function () {
  "use strict";
  var state = document.getElementById("state");
  var link = document.getElementById("feedback");
  if (!state || !link) return;
  var DONE = window.Terminpraxis.states.ticket.DONE;
  function update() { link.hidden = state.dataset.state !== DONE; }
  new MutationObserver(update).observe(state, { attributes: true, attributeFilter: ["data-state"] });
  update();
})();

/* Device health report: a kiosk or board tells the server it is alive, what it can do and its
   version (POST /api/v1/devices), at load and then every interval. Pages fill window.deviceState
   (sound, speech, detail) as they find out. The id stays in localStorage, so a device keeps it. */
(function () {
  "use strict";
  var el = document.getElementById("device-report");
  if (!el || !window.fetch) return;
  var state = window.deviceState = window.deviceState || {};
  var id;
  try {
    id = window.localStorage.getItem("terminpraxis-device");
    if (!id) {
      id = el.dataset.kind + "-" + Math.random().toString(36).slice(2, 10);
      window.localStorage.setItem("terminpraxis-device", id);
    }
  } catch (e) { id = el.dataset.kind + "-" + "nostorage"; }
  state.id = id;

  function send() {
    var body = {id: id, kind: el.dataset.kind, zone: el.dataset.zone || null,
                language: document.documentElement.lang || null, version: el.dataset.version || null,
                sound: state.sound || null, speech: state.speech || null, detail: state.detail || null};
    return window.Terminpraxis.request("POST", el.dataset.url, body, {credentials: "omit"})
      .then(function (res) { state.reported = res.ok; return res.ok; }, function () { state.reported = false; });
  }
  window.deviceReport = send;
  setTimeout(send, 1500);  // after the page has probed its sound
  setInterval(send, (parseFloat(el.dataset.intervalS) || 60) * 1000);
})();

/* The scan page's camera: reads a ticket's or badge's QR code into its field. A camera that
   cannot open says why — no secure context (a plain-http LAN install), permission denied, no
   camera, camera busy — and hands over to typing: the field is focused. The texts come from
   the page (#camera-texts), in the reader's language. */
(function () {
  var texts = JSON.parse(document.getElementById("camera-texts").textContent);
  var problem = document.getElementById("camera-problem");
  var stopButton = document.getElementById("camera-stop");
  var scanner = null;

  function say(text, target) {
    problem.textContent = text + " " + texts.type_instead;
    problem.classList.remove("d-none");
    problem.dataset.reason = text;
    if (target) target.focus();
  }

  function stop() {
    if (scanner) {
      var running = scanner;
      scanner = null;
      try {
        running.stop().catch(function () {}).then(function () { running.clear(); });
      } catch (notRunning) {
        // It never started: nothing to stop.
      }
    }
    stopButton.classList.add("d-none");
  }

  function reasonOf(error) {
    var name = (error && error.name) || String(error || "");
    if (/NotAllowed|PermissionDenied|SecurityError/.test(name)) return texts.denied;
    if (/NotFound|DevicesNotFound|Overconstrained/.test(name)) return texts.no_camera;
    if (/NotReadable|TrackStart|AbortError/.test(name)) return texts.busy;
    return texts.failed;
  }

  // Browsers give the camera only to https pages (or localhost): say so before anyone taps.
  var secure = window.isSecureContext && navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
  if (!secure) {
    say(texts.insecure, null);
    document.querySelectorAll("[data-scan-into]").forEach(function (b) { b.disabled = true; });
  }

  stopButton.addEventListener("click", stop);
  document.querySelectorAll("[data-scan-into]").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.dataset.scanInto);
      problem.classList.add("d-none");
      if (!secure) { say(texts.insecure, target); return; }
      if (!window.Html5Qrcode) { say(texts.no_scanner, target); return; }
      stop();
      // Ask for the camera ourselves first: the browser's own error names the reason.
      navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        scanner = new Html5Qrcode("reader");
        stopButton.classList.remove("d-none");
        return scanner.start({facingMode: "environment"}, {fps: 10, qrbox: 220}, function (text) {
          target.value = text;
          target.dispatchEvent(new Event("change", {bubbles: true}));
          stop();
          var next = button.dataset.scanInto === "bundle" ? document.getElementById("badge") : document.getElementById("operation");
          if (next) next.focus();
        });
      }).catch(function (error) {
        stop();
        say(reasonOf(error), target);
      });
    });
  });
})();

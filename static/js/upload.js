// Upload progress for the clerk's upload form: the form works without this script; with it,
// the file is sent in the background and a progress bar and a spoken percentage show how far
// it has got. The answer then replaces the page, exactly as a normal submission would.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload-progress]");
  if (!form || !window.FormData || !window.XMLHttpRequest) {
    return;
  }
  var bar = document.getElementById("upload-progress");
  var said = document.getElementById("upload-progress-text");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var request = new XMLHttpRequest();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    said.textContent = "Uploading: 0%";
    var lastSaid = 0;
    request.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) {
        return;
      }
      var percent = Math.floor((e.loaded / e.total) * 100);
      bar.value = percent;
      if (percent - lastSaid >= 25 || percent === 100) {
        lastSaid = percent;
        said.textContent = percent === 100 ? "Uploaded; checking the file…" : "Uploading: " + percent + "%";
      }
    });
    request.addEventListener("load", function () {
      // The answer is the page the form leads to (the agenda, after a redirect) or the form
      // again with the reason for a refusal: show it, at its own address.
      var address = request.responseURL;
      document.open();
      document.write(request.responseText);
      document.close();
      if (address && address !== window.location.href && window.history.replaceState) {
        window.history.replaceState(null, "", address);
      }
    });
    request.addEventListener("error", function () {
      button.disabled = false;
      said.textContent = "The upload failed: check your connection and try again.";
    });
    request.open("POST", form.action || window.location.href);
    request.send(new FormData(form));
  });
})();

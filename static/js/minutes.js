// The minutes screen (templates/workspace/minute_item.html): a word count under the minute,
// another resolution box without leaving the page, and the minute saved to the server a few
// seconds after typing stops (the same service as the Save buttons), with "Saved at 14:32"
// in a live region. Without this script the form posts as it is and the buttons do the same.
(function () {
  "use strict";

  var form = document.getElementById("minute-form");
  if (!form) {
    return;
  }
  var status = document.getElementById("autosave-status");

  function countWords(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  Array.prototype.forEach.call(form.querySelectorAll("textarea[data-word-count]"), function (box) {
    var out = document.getElementById(box.getAttribute("data-word-count"));
    if (!out) {
      return;
    }
    box.addEventListener("input", function () {
      var n = countWords(box.value);
      out.textContent = n + (n === 1 ? " word" : " words");
    });
  });

  var holder = form.querySelector("[data-resolutions]");
  var add = form.querySelector("[data-add-resolution]");
  if (holder && add) {
    add.addEventListener("click", function (event) {
      event.preventDefault();
      var groups = holder.querySelectorAll(".resolution");
      var n = groups.length + 1;
      var copy = groups[groups.length - 1].cloneNode(true);
      copy.classList.remove("govuk-form-group--error");
      var error = copy.querySelector(".govuk-error-message");
      if (error) {
        error.parentNode.removeChild(error);
      }
      var label = copy.querySelector("label");
      var box = copy.querySelector("textarea");
      label.textContent = "Resolution " + n;
      label.setAttribute("for", "id_resolution_" + n);
      box.id = "id_resolution_" + n;
      box.name = "resolution_" + n;
      box.textContent = "";
      box.value = "";
      box.classList.remove("govuk-textarea--error");
      box.removeAttribute("aria-describedby");
      holder.appendChild(copy);
      box.focus();
    });
  }

  var url = form.getAttribute("data-autosave-url");
  if (!url || !window.fetch || !window.FormData) {
    return;
  }
  var WAIT_MS = 2000;
  var timer = null;
  var changed = false;
  var busy = false;
  var version = form.querySelector("input[name=version]");

  function later() {
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(save, WAIT_MS);
  }

  // One draft at a time, each sending the version of the words the last one saved: the
  // server refuses a draft when the minute was saved elsewhere since.
  function save() {
    timer = null;
    if (!changed) {
      return;
    }
    if (busy) {
      later();
      return;
    }
    changed = false;
    busy = true;
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        busy = false;
        status.textContent = answer.message;
        if (answer.version && version) {
          version.value = answer.version;
        }
      })
      .catch(function () {
        busy = false;
        changed = true;
        status.textContent =
          "Not saved: the portal could not be reached. Your words are still here; press Save and next to keep them.";
      });
  }

  form.addEventListener("input", function () {
    changed = true;
    later();
  });
  form.addEventListener("submit", function () {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
  });
})();

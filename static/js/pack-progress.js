// Pack previews on the publish page: while a preview is being built, ask the meeting's pack
// status (JSON) every few seconds, say how far it has got in the page's live region, and put
// the link in place as soon as the preview is ready. Without this script the page offers a
// "Refresh to see if it is ready" link instead.
(function () {
  "use strict";
  var box = document.querySelector("[data-pack-status-url]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-pack-status-url");
  var said = document.getElementById("pack-progress-status");
  var refresh = box.querySelector(".pack-refresh");
  var EVERY_MS = 3000;
  var GIVE_UP_MS = 10 * 60 * 1000;
  var started = Date.now();

  function waiting() {
    return Array.prototype.filter.call(
      box.querySelectorAll("[data-pack-kind]"),
      function (row) {
        var state = row.getAttribute("data-pack-state");
        return state !== "ready" && state !== "failed";
      }
    );
  }

  function tag(text, colour) {
    var strong = document.createElement("strong");
    strong.className = "govuk-tag govuk-tag--" + colour;
    strong.textContent = text;
    return strong;
  }

  function small(text) {
    var span = document.createElement("span");
    span.className = "govuk-body-s";
    span.textContent = text;
    return span;
  }

  function seconds(since) {
    if (!since) {
      return "";
    }
    var s = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000));
    return " (started " + s + " second" + (s === 1 ? "" : "s") + " ago)";
  }

  function showReady(row, entry) {
    var cell = row.querySelector(".pack-preview");
    var label = row.getAttribute("data-pack-label");
    var link = document.createElement("a");
    link.className = "govuk-link";
    link.href = row.getAttribute("data-preview-url");
    link.textContent = label + " (preview, PDF)";
    var pages = entry.page_count;
    cell.textContent = "";
    cell.appendChild(link);
    cell.appendChild(document.createTextNode(" "));
    if (pages) {
      cell.appendChild(small(pages + " page" + (pages === 1 ? "" : "s")));
      cell.appendChild(document.createTextNode(" "));
    }
    cell.appendChild(tag("Current", "green"));
    cell.appendChild(document.createTextNode(" "));
    cell.appendChild(small("Built from the agenda as it is now."));
    row.setAttribute("data-pack-state", "ready");
    return label + ": the preview is ready" + (pages ? ", " + pages + " pages." : ".");
  }

  function showProgress(row, entry) {
    var progress = row.querySelector(".pack-progress");
    var label = row.getAttribute("data-pack-label");
    var words;
    if (entry.state === "failed") {
      words = "The preview could not be built" + (entry.error ? ": " + entry.error : ".");
      row.setAttribute("data-pack-state", "failed");
    } else if (entry.state === "building") {
      words = "Being built" + seconds(entry.started_at) + ".";
    } else {
      words = "Waiting to be built.";
    }
    if (progress) {
      progress.textContent = words;
    }
    return label + ": " + words;
  }

  function check() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (!answer) {
          return;
        }
        var lines = [];
        answer.packs.forEach(function (entry) {
          var row = box.querySelector('[data-pack-kind="' + entry.kind + '"]');
          if (!row || row.getAttribute("data-pack-state") === "ready") {
            return;
          }
          if (entry.state === "ready" && entry.up_to_date !== false) {
            lines.push(showReady(row, entry));
          } else {
            lines.push(showProgress(row, entry));
          }
        });
        if (lines.length && said) {
          said.textContent = lines.join(" ");
        }
      })
      .catch(function () {
        // A missed answer is asked again next time.
      })
      .then(function () {
        if (!waiting().length) {
          if (refresh) {
            refresh.hidden = true;
          }
          return;
        }
        if (Date.now() - started < GIVE_UP_MS) {
          window.setTimeout(check, EVERY_MS);
        }
      });
  }

  if (waiting().length) {
    window.setTimeout(check, 1000);
  }
})();

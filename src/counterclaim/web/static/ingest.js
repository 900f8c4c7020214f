/* Ingest page: upload progress (XMLHttpRequest upload events) and live job progress.
   Everything works without this script: the form posts normally and the job page refreshes itself. */
(function () {
  "use strict";

  function humanBytes(n) {
    if (n >= 1048576) return (n / 1048576).toPrecision(3).replace(/\.?0+$/, "") + " MB";
    if (n >= 1024) return (n / 1024).toPrecision(3).replace(/\.?0+$/, "") + " KB";
    return n + " bytes";
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* ---- the upload form ---- */
  var form = document.getElementById("upload-form");
  if (form) {
    var status = document.getElementById("upload-status");
    var bar = document.getElementById("upload-progress");
    var message = document.getElementById("upload-message");
    var input = document.getElementById("upload-files");
    var maxBytes = parseInt(form.dataset.maxBytes, 10);

    input.addEventListener("change", function () {
      var big = Array.prototype.filter.call(input.files, function (f) { return f.size > maxBytes; });
      status.hidden = big.length === 0;
      message.textContent = big.length ? big.length + " file(s) over the " + humanBytes(maxBytes) +
        " limit will be refused: " + big.map(function (f) { return f.name; }).join(", ") : "";
    });

    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) return;  // the plain form post
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      var xhr = new XMLHttpRequest();
      status.hidden = false;
      bar.value = 0;
      message.textContent = "uploading…";
      button.disabled = true;
      xhr.open("POST", form.dataset.api);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        bar.value = Math.round(100 * e.loaded / e.total);
        message.textContent = "uploading " + humanBytes(e.loaded) + " of " + humanBytes(e.total);
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
        if (xhr.status === 202 && body && typeof body.url === "string" && body.url.charAt(0) === "/" &&
            body.url.charAt(1) !== "/") {
          bar.value = 100;
          message.textContent = "uploaded; ingesting…";
          window.location.assign(body.url);
          return;
        }
        button.disabled = false;
        message.textContent = "upload refused: " + (body && body.code ? "[" + body.code + "] " : "") +
          (body && body.error ? body.error : "HTTP " + xhr.status);
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        message.textContent = "upload failed: the connection was lost";
      });
      xhr.send(new FormData(form));
    });
  }

  /* ---- the job page ---- */
  var section = document.getElementById("job");
  if (!section || section.dataset.running !== "true") return;
  var api = section.dataset.api;

  function setText(id, value) {
    var node = document.getElementById(id);
    if (node) node.textContent = value === null || value === undefined ? "" : String(value);
  }

  function outcomeCell(f) {
    var td = el("td", "file-outcome");
    if (f.added.length) {
      var ul = el("ul", "added");
      f.added.forEach(function (doc) {
        var a = el("a", null, doc);
        a.href = "/documents/" + encodeURIComponent(doc);
        var li = el("li");
        li.appendChild(a);
        ul.appendChild(li);
      });
      td.appendChild(ul);
    }
    if (f.skipped) td.appendChild(el("p", "skipped", f.skipped + " already in the ledger"));
    if (f.failed.length) {
      var fl = el("ul", "failed");
      f.failed.forEach(function (e) {
        var li = el("li");
        li.appendChild(el("code", null, e.code));
        li.appendChild(document.createTextNode(" " + e.message));
        fl.appendChild(li);
      });
      td.appendChild(fl);
    }
    return td;
  }

  function render(job) {
    var bar = document.getElementById("job-bar");
    bar.max = Math.max(job.total, 1);
    bar.value = job.done;
    document.getElementById("job-progress").dataset.state = job.state;
    var state = document.querySelector("#job-summary .job-state");
    if (state) state.textContent = job.state;
    setText("job-done", job.done);
    setText("job-total", job.total);
    setText("job-current", job.current ? " — " + job.current : "");
    setText("job-added", job.counts.added);
    setText("job-skipped", job.counts.skipped);
    setText("job-failed", job.counts.failed);
    var error = document.getElementById("job-error");
    error.hidden = !job.error;
    error.textContent = job.error || "";
    var rows = document.querySelectorAll("#job-files tbody tr");
    job.files.forEach(function (f, i) {
      var row = rows[i];
      if (!row || row.dataset.status === f.status && f.status !== "analysing") return;
      row.dataset.status = f.status;
      var badge = row.querySelector(".file-status .status");
      badge.className = "status status-" + f.status.replace(/ /g, "-");
      badge.textContent = f.status;
      row.replaceChild(outcomeCell(f), row.querySelector(".file-outcome"));
    });
  }

  function poll() {
    fetch(api, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (job) {
        render(job);
        if (job.running) window.setTimeout(poll, 1000);
        else section.dataset.running = "false";
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  }
  window.setTimeout(poll, 500);
})();

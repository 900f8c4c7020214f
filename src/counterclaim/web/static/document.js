// Document page, progressive: corrections without reload, side panel jumps to the item in the text.
// Everything works without this file (plain form POST + redirect, #item-… anchors).
(function () {
  "use strict";
  var text = document.getElementById("doc-text");
  var aside = document.getElementById("items");
  if (!text || !aside) { return; }

  function inText(id) {
    return Array.prototype.filter.call(text.querySelectorAll(".item[data-id]"), function (el) {
      return el.getAttribute("data-id") === id;
    });
  }

  function setStatus(id, review, fixes) {
    var targets = inText(id);
    Array.prototype.forEach.call(aside.querySelectorAll("li[data-id]"), function (li) {
      if (li.getAttribute("data-id") === id) { targets.push(li); }
    });
    targets.forEach(function (el) {
      if (review && review.status) { el.setAttribute("data-status", review.status); }
      else { el.removeAttribute("data-status"); }
      if (fixes && fixes.category && el.classList.contains("item-quantity")) {
        Array.prototype.slice.call(el.classList).forEach(function (c) {
          if (c.indexOf("cat-") === 0) { el.classList.remove(c); }
        });
        el.classList.add("cat-" + fixes.category);
      }
    });
  }

  aside.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("correction") || !window.fetch) { return; }
    var button = event.submitter;
    if (!button || button.name !== "action") { return; }
    event.preventDefault();
    var data = new FormData(form);
    var body = {
      kind: data.get("kind"), item_id: data.get("item_id"), action: button.value,
      author: data.get("author") || ""
    };
    if (button.value === "fix") { body.field = data.get("field"); body.value = data.get("value"); }
    var buttons = form.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    fetch("/api/corrections", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    }).then(function (result) {
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      if (!result.ok) { window.alert((result.json && result.json.error) || "The correction was refused."); return; }
      var review = result.json.review || null;
      setStatus(body.item_id, review, review && review.fixes);
    }).catch(function () {
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      var hidden = document.createElement("input");  // network trouble: fall back to the plain form post
      hidden.type = "hidden"; hidden.name = "action"; hidden.value = body.action;
      form.appendChild(hidden);
      form.submit();
    });
  });

  // Keep every author field in step with the one just typed in.
  aside.addEventListener("change", function (event) {
    var input = event.target;
    if (input.name !== "author") { return; }
    Array.prototype.forEach.call(aside.querySelectorAll("input[name=author]"), function (other) {
      other.value = input.value;
    });
  });

  // One item selected at a time: its review controls open, every other item's folded.
  function select(li, open) {
    Array.prototype.forEach.call(aside.querySelectorAll("li.active"), function (x) {
      if (x !== li) { x.classList.remove("active"); }
    });
    Array.prototype.forEach.call(aside.querySelectorAll("details.controls[open]"), function (d) {
      if (!li.contains(d)) { d.open = false; }
    });
    li.classList.add("active");
    var controls = li.querySelector("details.controls");
    if (open && controls) { controls.open = true; }
  }

  aside.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.matches && details.matches("details.controls") && details.open) {
      select(details.closest("li[data-id]"), false);
    }
  }, true);

  // Clicking an item in the text selects it in the side panel (mentions are links to their entity).
  text.addEventListener("click", function (event) {
    var el = event.target.closest(".item[data-id]");
    if (!el || el.tagName === "A") { return; }
    var li = document.getElementById("panel-" + el.getAttribute("data-id"));
    if (!li) { return; }
    select(li, true);
    var top = li.offsetTop - aside.offsetTop;
    if (top < aside.scrollTop || top > aside.scrollTop + aside.clientHeight - li.offsetHeight) {
      aside.scrollTop = Math.max(0, top - aside.clientHeight / 3);
    }
  });

  // Clicking a side-panel entry (not its form) scrolls to and focuses the item in the text.
  aside.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest("form") || target.closest("summary")) { return; }
    var li = target.closest("li[data-id]");
    if (!li) { return; }
    var el = inText(li.getAttribute("data-id"))[0];
    if (!el) { return; }
    event.preventDefault();
    select(li, false);
    el.scrollIntoView({ behavior: "smooth", block: "center" });
    el.focus({ preventScroll: true });
  });
})();

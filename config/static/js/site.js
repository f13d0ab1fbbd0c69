// Small behaviours shared by every page. No inline scripts or handlers anywhere: the
// Content-Security-Policy allows scripts from this site only.
"use strict";

// <form data-confirm="…"> asks before submitting; <button data-confirm="…"> before its click.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) { event.preventDefault(); }
});
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
});

// <section data-poll="URL.json"> (a running job): update its bar from the JSON every 2 s and
// reload the page once it has finished. Without JavaScript the page's meta refresh does this.
(function () {
  var box = document.querySelector("[data-poll]");
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector("progress"), text = box.querySelector(".percent");
  function poll() {
    fetch(box.getAttribute("data-poll"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (bar) { bar.value = job.percent; }
        if (text) { text.textContent = job.percent + "%"; }
        if (job.state === "done" || job.state === "failed") { window.location.reload(); }
        else { window.setTimeout(poll, 2000); }
      });
  }
  window.setTimeout(poll, 2000);
})();

// <input data-unit-search="URL.json" list="ID" [data-date-field="ID"]>: while the user types
// (2 letters or a digit), ask URL?q=…&ngay=… and offer the matches in the datalist ID (value:
// the unit's code, shown with its level, parent and dates). Without JavaScript the field still
// takes a code or a name, and /don-vi/tim/ is the search page.
(function () {
  var inputs = document.querySelectorAll("input[data-unit-search]");
  Array.prototype.forEach.call(inputs, function (input) {
    if (!window.fetch) { return; }
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) {
      list = document.createElement("datalist");
      list.id = input.getAttribute("list");
      input.parentNode.appendChild(list);
    }
    var timer = null, asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q === asked || (q.length < 2 && !/^\d+$/.test(q))) { return; }
        asked = q;
        var day = document.getElementById(input.getAttribute("data-date-field") || "");
        var url = input.getAttribute("data-unit-search") + "?q=" + encodeURIComponent(q) +
          (day && day.value ? "&ngay=" + encodeURIComponent(day.value) : "");
        fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); })
          .then(function (data) {
            list.textContent = "";
            (data.results || []).forEach(function (m) {
              var option = document.createElement("option");
              option.value = m.code || m.name;
              option.label = m.label;
              option.textContent = m.label;
              list.appendChild(option);
            });
          }).catch(function () {});
      }, 250);
    });
  });
})();

// <section data-trend-poll="URL.json"> (a trend with points still being computed): ask URL
// every 3 s and put the answer's `html` in its .trend-body until nothing is pending, so the
// chart completes itself without a reload. Without JavaScript the next visit shows it.
(function () {
  var box = document.querySelector("[data-trend-poll]");
  if (!box || !window.fetch) { return; }
  var body = box.querySelector(".trend-body"), tries = 0;
  function poll() {
    fetch(box.getAttribute("data-trend-poll"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (typeof data.html === "string") { body.innerHTML = data.html; }
        if (data.pending && ++tries < 40) { setTimeout(poll, 3000); }
      }).catch(function () {});
  }
  setTimeout(poll, 3000);
})();

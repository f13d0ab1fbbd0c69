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

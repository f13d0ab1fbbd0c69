// The secret calendar feed card on /lich/: select the address on focus, copy it on a click.
"use strict";
document.addEventListener("focusin", function (event) {
  if (event.target.id === "feed-url") { event.target.select(); }
});
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copies]");
  if (!button) { return; }
  var field = document.getElementById(button.getAttribute("data-copies"));
  var done = function () { button.textContent = "Đã sao chép"; };
  field.select();
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done);
  } else {
    document.execCommand("copy");
    done();
  }
});

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

// <input type="date" data-fills="ID"> copies the picked day into the text field ID as dd/mm/yyyy.
document.addEventListener("change", function (event) {
  var target = event.target.getAttribute("data-fills");
  if (target) {
    document.getElementById(target).value = event.target.value.split("-").reverse().join("/");
  }
});

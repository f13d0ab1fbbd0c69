// «Tất cả có mặt»: marks present everyone who has no mark yet (the button exists only once
// the session has started).
"use strict";
var allPresent = document.getElementById("all-present");
if (allPresent) {
  allPresent.addEventListener("click", function () {
    document.querySelectorAll('.mark-row input[value="present"]').forEach(function (r) {
      if (!r.closest("fieldset").querySelector("input:checked")) { r.checked = true; }
    });
  });
}

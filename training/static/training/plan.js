// «Bỏ lớp này» greys out the proposed course it belongs to.
"use strict";
document.querySelectorAll("#plan-confirm .drop").forEach(function (box) {
  box.addEventListener("change", function () {
    box.closest(".course-card").classList.toggle("dropped", box.checked);
  });
});

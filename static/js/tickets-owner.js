// Owners' request pages: refuse more photos than allowed before uploading megabytes for
// nothing, and ask before a request is cancelled. The server checks both again.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "file") {
      return;
    }
    var box = input.closest("[data-max-files]");
    if (!box) {
      return;
    }
    var max = parseInt(box.getAttribute("data-max-files"), 10);
    var tooMany = input.files && input.files.length > max;
    input.setCustomValidity(tooMany ? box.getAttribute("data-too-many") : "");
    if (tooMany) {
      input.reportValidity();
    }
  });

  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();

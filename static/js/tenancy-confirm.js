// Lists of staff and residents: a form with data-confirm asks before it is sent, so that a
// slip of the finger does not lock somebody out.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();

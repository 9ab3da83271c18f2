// Courtyard's shared script: small on purpose. Page-specific behaviour lives in its own file.
(function () {
  "use strict";
  // Move focus to the main region after an in-page skip link is used (Safari ignores tabindex).
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".skip-link");
    if (link) { document.getElementById("main").focus(); }
  });
})();

// Staff ticket pages: tick every row of the queue at once; put a canned response (already
// filled in by the server for this ticket) into the reply box without reloading the page.
(function () {
  "use strict";
  var selectAll = document.getElementById("select-all");
  if (selectAll) {
    selectAll.addEventListener("change", function () {
      document.querySelectorAll(".ticket-select").forEach(function (box) {
        box.checked = selectAll.checked;
      });
    });
  }

  // The queue's filters fold away on a phone (the tickets come first); on a wide screen
  // there is room for them, so they start open as before.
  var more = document.getElementById("queue-filters");
  if (more && window.matchMedia("(min-width: 992px)").matches) {
    more.open = true;
  }

  var data = document.getElementById("canned-bodies");
  var form = document.getElementById("canned-form");
  var reply = document.getElementById("id_body");
  if (data && form && reply) {
    var bodies = JSON.parse(data.textContent);
    form.addEventListener("submit", function (event) {
      var chosen = form.querySelector("select").value;
      if (!bodies[chosen]) { return; }
      event.preventDefault();
      reply.value = reply.value ? reply.value + "\n\n" + bodies[chosen] : bodies[chosen];
      reply.focus();
    });
  }
})();

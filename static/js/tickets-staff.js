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

// Staff form: the list of properties matters only for scoped staff and managers, so it is
// hidden while "all properties" is ticked or the role is administrator.
(function () {
  "use strict";
  var role = document.getElementById("id_role");
  var all = document.getElementById("id_all_properties");
  var properties = document.getElementById("div_id_properties");
  if (!role || !all || !properties) { return; }
  function update() {
    var hidden = all.checked || role.value === "admin";
    properties.hidden = hidden;
  }
  role.addEventListener("change", update);
  all.addEventListener("change", update);
  update();
})();

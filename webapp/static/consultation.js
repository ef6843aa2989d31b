/* The consultation's fields (form, mode, subject) follow the chosen request type: shown only
 * for the types that ask them (`data-shown-for-types`). Without JavaScript they stay visible
 * with a note naming those types, and the server ignores them for any other type. */
(function () {
  "use strict";

  var groups = document.querySelectorAll("[data-shown-for-types]");
  if (!groups.length) return;
  var form = groups[0].closest("form");
  if (!form) return;

  function followType() {
    var chosen = form.querySelector("input[name='request_type']:checked");
    for (var i = 0; i < groups.length; i++) {
      var types = groups[i].getAttribute("data-shown-for-types").split(" ");
      groups[i].hidden = !chosen || types.indexOf(chosen.value) < 0;
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "request_type") followType();
  });
  followType();
})();

/* The request form works without JavaScript; this only makes it friendlier:
 * the class field follows the chosen role, and a page with errors starts at their summary. */
(function () {
  "use strict";
  var form = document.querySelector(".request-form");
  if (!form) return;
  var classInput = form.querySelector("#class_name");
  var classField = classInput && classInput.closest(".field");
  var classLabel = classField && classField.querySelector("label");
  var classHint = document.getElementById("class_name-hint");
  var labels = {
    student: ["Ваш класс", "Например, 7А или 10Б."],
    parent: ["Класс ребёнка", "Например, 7А или 10Б."]
  };

  function follow() {
    var chosen = form.querySelector("input[name='author_role']:checked");
    var role = chosen ? chosen.value : null;
    if (!classField) return;
    if (role === "teacher") {
      classField.hidden = true;
      classInput.value = "";
      return;
    }
    classField.hidden = false;
    if (labels[role]) {
      classLabel.firstChild.nodeValue = labels[role][0];
      if (classHint) classHint.textContent = labels[role][1];
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "author_role") follow();
  });
  follow();

  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();

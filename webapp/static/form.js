/* The request form works without JavaScript; this only makes it friendlier:
 * the class field follows the chosen role, the chosen type suggests the site's answer pages,
 * files are checked for count and size before a long upload, and a page with errors starts at
 * their summary. The server checks everything again. */
(function () {
  "use strict";

  // "Back to the filled form" on the too-large page: the browser's history keeps what was typed.
  var back = document.querySelector("[data-history-back]");
  if (back && window.history.length > 1) {
    back.addEventListener("click", function (event) {
      event.preventDefault();
      window.history.back();
    });
  }

  var form = document.querySelector(".request-form");
  if (!form) return;
  var classInput = form.querySelector("#class_name");
  var classField = classInput && classInput.closest(".field");
  var classLabel = classField && classField.querySelector("label");
  var labels = { student: "Ваш класс", parent: "Класс ребёнка" };

  function followRole() {
    var chosen = form.querySelector("input[name='author_role']:checked");
    var role = chosen ? chosen.value : null;
    if (!classField) return;
    if (role === "teacher") {
      classField.hidden = true;
      classInput.value = "";
      return;
    }
    classField.hidden = false;
    if (labels[role]) classLabel.firstChild.nodeValue = labels[role] + " ";
  }

  function followType() {
    var chosen = form.querySelector("input[name='request_type']:checked");
    var boxes = form.querySelectorAll("[data-self-help-for]");
    for (var i = 0; i < boxes.length; i++) {
      boxes[i].hidden = !chosen || boxes[i].getAttribute("data-self-help-for") !== chosen.value;
    }
  }

  // --- Attachments: count and size, before the upload starts --------------------------------
  var files = form.querySelector("#attachments");
  var limits = form.querySelector("[data-attachment-limits]");
  var maxFiles = limits ? parseInt(limits.getAttribute("data-max-files"), 10) : 0;
  var maxBytes = limits ? parseInt(limits.getAttribute("data-max-bytes"), 10) : 0;

  function fileProblem() {
    if (!files || !files.files || !maxFiles) return null;
    if (files.files.length > maxFiles) {
      return "Можно приложить не больше " + maxFiles + " файлов, а выбрано " + files.files.length +
        ". Выберите файлы заново.";
    }
    var megabytes = Math.round(maxBytes / 1048576);
    for (var i = 0; i < files.files.length; i++) {
      if (files.files[i].size > maxBytes) {
        return "Файл «" + files.files[i].name + "» больше " + megabytes +
          " МБ. Уменьшите его или сделайте снимок части экрана.";
      }
    }
    return null;
  }

  function showFileProblem(message) {
    var field = files.closest(".field");
    var shown = document.getElementById("attachments-error");
    if (!message) {
      if (shown) shown.remove();
      field.classList.remove("field--error");
      files.removeAttribute("aria-invalid");
      return;
    }
    if (!shown) {
      shown = document.createElement("p");
      shown.className = "field-error";
      shown.id = "attachments-error";
      shown.setAttribute("role", "alert");
      files.parentNode.insertBefore(shown, files);
      var described = (files.getAttribute("aria-describedby") || "").split(" ");
      if (described.indexOf("attachments-error") < 0) described.push("attachments-error");
      files.setAttribute("aria-describedby", described.join(" ").trim());
    }
    shown.textContent = message;
    field.classList.add("field--error");
    files.setAttribute("aria-invalid", "true");
  }

  if (files) {
    files.addEventListener("change", function () { showFileProblem(fileProblem()); });
  }

  form.addEventListener("submit", function (event) {
    var problem = fileProblem();
    if (problem) {
      event.preventDefault();
      showFileProblem(problem);
      files.focus();
    }
  });

  form.addEventListener("change", function (event) {
    if (event.target.name === "author_role") followRole();
    if (event.target.name === "request_type") followType();
  });
  followRole();
  followType();

  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();

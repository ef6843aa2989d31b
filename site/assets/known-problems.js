/* Shows the open known problems at the top of a page that has a [data-known-problems] place.
 *
 * The site is static: the list comes from the app on our own origin, GET /app/problems.json
 * (webapp/problems/views.py), which answers {problems: [{title, text, type_titles, platform,
 * since, expected}]}. Text is inserted as text, never as markup. Without JavaScript the place
 * keeps its <noscript> link to the app's page /app/problems, which lists the same.
 */
(function () {
  "use strict";

  var places = document.querySelectorAll("[data-known-problems]");
  if (!places.length || !window.fetch) return;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function banner(problem) {
    var box = element("section", "known-problem");
    box.setAttribute("role", "status");
    box.appendChild(element("p", "known-problem__title", "Известная проблема: " + problem.title));
    box.appendChild(element("p", "known-problem__text", problem.text));
    var facts = "С " + problem.since;
    if (problem.expected) facts += "; решение ожидается " + problem.expected;
    if (problem.type_titles && problem.type_titles.length) facts += ". Касается: " + problem.type_titles.join(", ");
    box.appendChild(element("p", "known-problem__facts", facts + ". Школа уже знает и занимается этим."));
    return box;
  }

  fetch("/app/problems.json", { credentials: "omit", cache: "no-cache" })
    .then(function (response) { return response.ok ? response.json() : { problems: [] }; })
    .then(function (data) {
      var problems = (data && data.problems) || [];
      for (var i = 0; i < places.length; i++) {
        var place = places[i];
        while (place.firstChild) place.removeChild(place.firstChild);
        for (var j = 0; j < problems.length; j++) place.appendChild(banner(problems[j]));
        place.hidden = problems.length === 0;
      }
    })
    .catch(function () { /* the app is away: the page stays as it is */ });
})();

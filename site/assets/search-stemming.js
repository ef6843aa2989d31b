/* Points the theme's search at our wrapper worker (workers/search-stemming.js), which loads the
 * theme's own worker and lets Russian word forms match whole words (see that file).
 * Runs right after the theme writes its #__config and before the theme's bundle reads it.
 */
(function () {
  "use strict";
  var element = document.getElementById("__config");
  if (!element) return;
  var config = JSON.parse(element.textContent);
  var original = new URL(config.search, document.baseURI);
  var name = original.pathname.split("/").pop();
  var wrapper = new URL("search-stemming.js", original);
  wrapper.searchParams.set("worker", name);
  config.search = wrapper.pathname + wrapper.search;
  element.textContent = JSON.stringify(config);
})();

/* The confirmation: focus its heading so that a screen reader reads the number at once (the
 * block is also a live region), without scrolling: inside the site's frame the parent page
 * brings it into view (embed.js). */
(function () {
  "use strict";
  var title = document.getElementById("confirmation-title");
  if (title) title.focus({ preventScroll: true });
})();

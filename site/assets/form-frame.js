/* Sizes the embedded request form (the /obrashchenie/ page) to its content.
 *
 * The app's form page, opened with ?embed=1 inside an iframe, posts
 *   {type: "helpdesk-form-height", height: <pixels>}
 * to its parent whenever its height changes. Only messages from our own origin and from the
 * form's own frame are obeyed. Without JavaScript the frame keeps its CSS height and scrolls,
 * and the page's plain link opens the form on its own page.
 */
(function () {
  "use strict";

  var MAX_HEIGHT = 20000;

  function onMessage(event) {
    var data = event.data;
    if (event.origin !== window.location.origin) return;
    if (!data || data.type !== "helpdesk-form-height") return;
    var height = Math.ceil(Number(data.height));
    if (!isFinite(height) || height <= 0) return;
    var frames = document.querySelectorAll("iframe[data-helpdesk-form]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.min(height, MAX_HEIGHT) + "px";
      }
    }
  }

  window.addEventListener("message", onMessage);
})();

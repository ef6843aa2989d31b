/* Sizes the embedded request form (the /obrashchenie/ page) to its content.
 *
 * The app's form page, opened with ?embed=1 inside an iframe, posts
 *   {type: "helpdesk-form-height", height: <pixels>}
 * to its parent whenever its height changes. Only messages from our own origin and from the
 * form's own frame are obeyed; a form that loaded before this script is measured directly. Without JavaScript the frame keeps its CSS height and scrolls,
 * and the page's plain link opens the form on its own page.
 */
(function () {
  "use strict";

  var MAX_HEIGHT = 20000;

  var frames = document.querySelectorAll("iframe[data-helpdesk-form]");

  function setHeight(frame, value) {
    var height = Math.ceil(Number(value));
    if (!isFinite(height) || height <= 0) return;
    frame.style.height = Math.min(height, MAX_HEIGHT) + "px";
  }

  function onMessage(event) {
    var data = event.data;
    if (event.origin !== window.location.origin) return;
    if (!data || data.type !== "helpdesk-form-height") return;
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) setHeight(frames[i], data.height);
    }
  }

  // This script runs after the frame has started loading: a form that loaded first has sent its
  // height before anyone listened, so measure it directly (same origin) once it is loaded.
  function measure(frame) {
    var doc = frame.contentDocument;
    if (!doc || doc.URL === "about:blank" || doc.readyState !== "complete") return;
    setHeight(frame, doc.documentElement.getBoundingClientRect().height);
  }

  window.addEventListener("message", onMessage);
  for (var i = 0; i < frames.length; i++) {
    frames[i].addEventListener("load", measure.bind(null, frames[i]));
    measure(frames[i]);
  }
})();

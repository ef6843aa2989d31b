/* Sizes the embedded request form (the /obrashchenie/ page) to its content.
 *
 * The app's form page, opened with ?embed=1 inside an iframe, posts
 *   {type: "helpdesk-form-height", height: <pixels>}
 * to its parent whenever its height changes, and
 *   {type: "helpdesk-form-show", top: <pixels from the frame's top>}
 * when a page opens whose part must be seen (the number of a sent request, the errors): the page
 * scrolls so that part is in view. Only messages from our own origin and from the
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

  function show(frame, value) {
    var top = Math.floor(Number(value));
    if (!isFinite(top) || top < 0) return;
    var target = frame.getBoundingClientRect().top + window.scrollY + Math.min(top, MAX_HEIGHT);
    // Leave room for the theme's fixed header above the part shown.
    var header = document.querySelector(".md-header");
    var room = (header ? header.getBoundingClientRect().height : 0) + 8;
    window.scrollTo(window.scrollX, Math.max(0, target - room));
  }

  function onMessage(event) {
    var data = event.data;
    if (event.origin !== window.location.origin) return;
    if (!data || (data.type !== "helpdesk-form-height" && data.type !== "helpdesk-form-show")) return;
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow !== event.source) continue;
      if (data.type === "helpdesk-form-height") setHeight(frames[i], data.height);
      else show(frames[i], data.top);
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

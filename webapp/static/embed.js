/* Inside the help site's iframe (?embed=1): tell the parent page how tall this page is, so
 * the frame fits its content (the site's form-frame.js listens). Messages go to our own origin
 * only. */
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;

  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "helpdesk-form-height", height: height }, window.location.origin);
  }

  if (window.ResizeObserver) {
    new ResizeObserver(report).observe(document.documentElement);
  } else {
    window.addEventListener("resize", report);
  }
  window.addEventListener("load", report);
  report();
  // A page with errors opens at its summary, a sent form at its number: the parent page scrolls
  // the frame so that this part is in view (it may stand far below after a long form).
  var shown = document.querySelector("[data-embed-show]") || document.getElementById("error-summary");
  if (shown) {
    window.parent.postMessage({
      type: "helpdesk-form-show",
      top: Math.max(0, Math.floor(shown.getBoundingClientRect().top + window.scrollY))
    }, window.location.origin);
  }
})();

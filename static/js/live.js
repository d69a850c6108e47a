// The page's one live poll: a "live-poll" event on <body> every 3 s while the tab is
// visible, and at once when it shows again. Pollers listen with
// hx-trigger="live-poll from:body"; a hidden tab sends nothing.
(function () {
  "use strict";
  const PERIOD_MS = 3000;
  function tick() {
    if (document.visibilityState === "visible" && document.body) {
      document.body.dispatchEvent(new CustomEvent("live-poll"));
    }
  }
  setInterval(tick, PERIOD_MS);
  document.addEventListener("visibilitychange", tick);
})();

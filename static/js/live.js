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

// My jobs on the library page: when one finishes (its song card offers play) or fails, a
// message on the page, a count in the tab's title until the tab is looked at, and the
// browser's notification when allowed. The words come from #done-notices (translated).
(function () {
  "use strict";
  const watched = new Map(); // job id -> title
  let unseen = 0;
  let baseTitle = document.title;

  function say(template, title, reason) {
    const box = document.getElementById("done-notices");
    if (!box || !template) return;
    const text = template.replace("{title}", title).replace("{reason}", reason || "");
    // In a .messages box of its own: studio.js drops empty ones.
    let list = box.querySelector(".messages");
    if (!list) {
      list = document.createElement("div");
      list.className = "messages";
      box.appendChild(list);
    }
    const line = document.createElement("p");
    line.className = "message " + (reason === undefined ? "message-success" : "message-error");
    line.textContent = text;
    list.appendChild(line);
    if (document.visibilityState !== "visible" || !document.hasFocus()) {
      unseen += 1;
      document.title = "(" + unseen + ") " + baseTitle;
    }
    if ("Notification" in window && Notification.permission === "granted") {
      try {
        new Notification(text);
      } catch (error) {
        // Some browsers only notify through a service worker: the page's message stays.
      }
    }
  }

  function check() {
    const box = document.getElementById("done-notices");
    if (!box) return;
    for (const [id, title] of watched) {
      const card = document.getElementById("job-" + id);
      const song = document.querySelector('article.card[data-job="' + id + '"]');
      if (card && card.dataset.mine === "failed") {
        const reason = card.querySelector(".error");
        say(box.dataset.failed, title, reason ? reason.textContent.trim() : "");
        watched.delete(id);
      } else if (song && song.querySelector("[data-player=play]")) {
        say(box.dataset.done, title);
        watched.delete(id);
      }
    }
    document.querySelectorAll('article.job[data-mine="running"]').forEach(function (card) {
      const id = card.id.replace(/^job-/, "");
      const heading = card.querySelector("h3");
      if (!watched.has(id)) watched.set(id, heading ? heading.textContent.trim() : "");
    });
  }

  function seen() {
    if (unseen && document.visibilityState === "visible") {
      unseen = 0;
      document.title = baseTitle;
    }
  }

  function offerNotifications() {
    const button = document.getElementById("notify-me");
    if (!button || !("Notification" in window) || Notification.permission !== "default") return;
    button.hidden = false;
    button.addEventListener("click", function () {
      Notification.requestPermission().then(function () { button.hidden = true; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    baseTitle = document.title;
    check();
    offerNotifications();
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!unseen) baseTitle = document.title;
    check();
    offerNotifications();
  });
  document.addEventListener("visibilitychange", seen);
  window.addEventListener("focus", seen);
})();

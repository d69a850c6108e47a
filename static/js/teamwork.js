// Projects, reviews and shared pages: queue playback, drag to reorder, waveform markers.
"use strict";

(function () {
  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  function csrfToken() {
    const input = $("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Play a list of songs in order: through the studio's player bar when the page has it,
  // else through the list's own audio elements, one after the other.
  function playList(list) {
    const items = $$("li[data-src]", list);
    if (!items.length) return;
    const queue = items.map((li) => ({
      id: li.dataset.song, title: li.dataset.title, src: li.dataset.src, url: li.dataset.url || "",
    }));
    if (window.studioPlayer && typeof window.studioPlayer.playQueue === "function") {
      window.studioPlayer.playQueue(queue);
      return;
    }
    const players = items.map((li) => $("audio", li)).filter(Boolean);
    players.forEach((audio, index) => {
      audio.onended = () => {
        const next = players[index + 1];
        if (next) next.play();
      };
    });
    if (players[0]) players[0].play();
  }

  function initQueue() {
    $$("[data-queue]").forEach((button) => {
      button.addEventListener("click", () => {
        const list = $(button.dataset.queue);
        if (list) playList(list);
      });
    });
  }

  // Drag to reorder; the arrows' forms do the same without JavaScript.
  function initReorder() {
    const list = $("#project-songs[data-order-url]");
    if (!list) return;
    const status = $("#order-status");
    let dragged = null;
    list.addEventListener("dragstart", (event) => {
      dragged = event.target.closest("li[draggable]");
      if (!dragged) return;
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.song);
    });
    list.addEventListener("dragover", (event) => {
      if (!dragged) return;
      event.preventDefault();
      const over = event.target.closest("li[draggable]");
      if (!over || over === dragged) return;
      const box = over.getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });
    list.addEventListener("drop", (event) => event.preventDefault());
    list.addEventListener("dragend", () => {
      if (!dragged) return;
      dragged.classList.remove("dragging");
      dragged = null;
      save();
    });

    function save() {
      const body = new URLSearchParams();
      $$("li[data-song]", list).forEach((li) => body.append("song", li.dataset.song));
      fetch(list.dataset.orderUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
        body: body,
        credentials: "same-origin",
      }).then((response) => {
        if (response.ok) {
          if (status) status.textContent = "Order saved.";
          syncArrows();
        } else {
          response.text().then((text) => { if (status) status.textContent = text || "Could not save the order."; });
        }
      }).catch(() => { if (status) status.textContent = "Could not save the order; check the connection."; });
    }

    function syncArrows() {
      const items = $$("li[data-song]", list);
      items.forEach((li, index) => {
        const up = $('button[value="up"]', li);
        const down = $('button[value="down"]', li);
        if (up) up.disabled = index === 0;
        if (down) down.disabled = index === items.length - 1;
      });
    }
  }

  // Reviews: the song's player is the waveform (window.studioWave) when it loaded, else
  // the page's audio element.
  function mainAudio() {
    return $("#main-audio") || $("#share-audio") || $("audio");
  }
  function currentTime() {
    const wave = window.studioWave;
    if (wave && typeof wave.getCurrentTime === "function") return wave.getCurrentTime();
    const audio = mainAudio();
    return audio ? audio.currentTime : 0;
  }
  function seek(seconds) {
    const wave = window.studioWave;
    if (wave && typeof wave.setTime === "function") {
      wave.setTime(seconds);
      return;
    }
    const audio = mainAudio();
    if (audio) audio.currentTime = seconds;
  }
  // 74.36 -> "1:14.4": what the comment form reads back to the tenth of a second.
  function clock(seconds) {
    const tenths = Math.max(0, Math.round((seconds || 0) * 10));
    const minutes = Math.floor(tenths / 600);
    const rest = (tenths % 600) / 10;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest.toFixed(rest % 1 ? 1 : 0);
  }

  // Markers sit on the waveform at their share of the song's length.
  function placeMarkers() {
    const strip = $("#review-markers");
    if (!strip) return;
    const wave = $("#waveform");
    if (wave && strip.parentNode !== wave) wave.appendChild(strip);
    const audio = mainAudio();
    const duration = parseFloat(strip.dataset.duration) || (audio && audio.duration) || 0;
    if (!duration) return;
    $$(".review-marker", strip).forEach((marker) => {
      const at = parseFloat(marker.dataset.at) || 0;
      const end = parseFloat(marker.dataset.end);
      marker.style.left = Math.min(100, (at / duration) * 100) + "%";
      if (!isNaN(end)) marker.style.width = Math.max(0, ((end - at) / duration) * 100) + "%";
    });
    strip.classList.add("placed");
  }

  function showPin() {
    $$("#pin-playhead").forEach((button) => { button.hidden = false; });
  }

  // Once per document: pages come and go under it (boosted navigation).
  function listenForReviews() {
    document.addEventListener("click", (event) => {
      const target = event.target.closest(".review-marker, [data-seek]");
      if (!target) return;
      event.preventDefault();
      event.stopPropagation();
      seek(parseFloat(target.dataset.at || target.dataset.seek) || 0);
      const comment = target.dataset.comment && document.getElementById(target.dataset.comment);
      if (comment) {
        $$(".thread.current").forEach((node) => node.classList.remove("current"));
        comment.classList.add("current");
      }
    }, true);
    // "Pin to the playhead": the moment playing now, or the section selected on the wave.
    document.addEventListener("click", (event) => {
      if (!event.target.closest("#pin-playhead")) return;
      const at = $("#id_at");
      const end = $("#id_end");
      let start = currentTime();
      let stop = null;
      const wave = window.studioWave;
      if (wave && typeof wave.getActivePlugins === "function") {
        wave.getActivePlugins().forEach((plugin) => {
          if (typeof plugin.getRegions !== "function") return;
          const region = plugin.getRegions()[0];
          if (region && region.end > region.start) { start = region.start; stop = region.end; }
        });
      }
      if (at) at.value = clock(start);
      if (end) end.value = stop === null ? "" : clock(stop);
      const body = $("#id_body");
      if (body) body.focus();
    });
  }

  // A shared page sends no Referer and so, for its forms, an Origin of "null", which the
  // CSRF check refuses. Its forms are sent by fetch with a same-origin referrer policy: the
  // studio sees its own origin, and the token still never leaves the studio.
  function initSameOriginForms() {
    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (!form.matches("form[data-same-origin]")) return;
      event.preventDefault();
      if (form.dataset.sending) return;
      form.dataset.sending = "true";
      const button = event.submitter;
      if (button) button.setAttribute("aria-busy", "true");
      const done = () => {
        delete form.dataset.sending;
        if (button) button.removeAttribute("aria-busy");
      };
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        referrerPolicy: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      }).then((response) => response.text().then((html) => {
        if (response.ok && response.redirected) {
          window.location.assign(response.url);
          return;
        }
        done();
        const fresh = new DOMParser().parseFromString(html, "text/html").getElementById(form.id);
        if (fresh) {
          form.replaceWith(fresh);
          showPin();
        } else {
          const note = document.createElement("p");
          note.className = "error";
          note.textContent = html.slice(0, 300) || "The comment was not sent.";
          form.appendChild(note);
        }
      })).catch(done);
    });
  }

  function initReviews() {
    placeMarkers();
    showPin();
  }

  function initPage() {
    initQueue();
    initReorder();
    initReviews();
  }
  initSameOriginForms();
  listenForReviews();
  document.addEventListener("DOMContentLoaded", initPage);
  document.addEventListener("studio:page", initPage); // after a boosted navigation
})();

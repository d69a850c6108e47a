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

  document.addEventListener("DOMContentLoaded", () => {
    initQueue();
    initReorder();
  });
})();

// The player bar: one <audio> at the bottom of every studio page, kept across boosted
// navigation (hx-preserve), with a queue. Every play button in the studio plays through it.
//
// A track is {id, src, title, href, cover}. Markup offers one with data attributes on any
// element: data-song, data-src, data-title, data-href, data-cover. Without data-src it is a
// studio song: its audio, page and cover follow from its id by the bar's data-song-audio,
// -page and -cover patterns (data-cover="" when it has none). Buttons inside it with
// data-player="play" | "next" | "queue" play it, play it next, or add it to the queue.
// Other scripts use window.studioPlayer (playQueue, play, cue, playNext, enqueue, toggle, seek,
// next, previous, current, isCurrent) and listen to "studio:player" events on document.
//
// Equal loudness (a setting kept in localStorage, on unless turned off): a track's data-gain
// is the dB that brings it to the studio's reference loudness (-14 LUFS, never past a true
// peak of -1 dBTP; studio/library/figures.py). Turning down is audio.volume; turning up
// needs a GainNode, set up on the first play that needs one (an AudioContext may only start
// on a click). The setting's changes are sent as "studio:loudness" events.
"use strict";

(function () {
  const STORE = "studio-player";
  const SEEK_STEP = 5; // seconds per arrow key
  const RESTART_AFTER = 3; // "previous" restarts the song when it played longer than this
  const LOUDNESS_STORE = "studio-equal-loudness";

  let queue = [];
  let index = -1;

  const bar = () => document.getElementById("player");
  const audio = () => document.getElementById("player-audio");
  const part = (name) => {
    const root = bar();
    return root ? root.querySelector('[data-part="' + name + '"]') : null;
  };

  function clock(seconds) {
    const s = Math.max(0, Math.floor(seconds || 0));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function songUrl(kind, id) {
    const root = bar();
    const pattern = root && root.dataset["song" + kind];
    return pattern ? pattern.replace("{id}", id) : "";
  }

  function gainOf(data) {
    const gain = data.gain !== undefined && data.gain !== "" ? Number(data.gain) : NaN;
    return isFinite(gain) ? gain : null;
  }

  function trackOf(node) {
    const holder = node && node.closest("[data-song]");
    if (!holder) return null;
    const data = holder.dataset;
    const title = data.title || "Untitled";
    const gain = gainOf(data);
    if (data.src) {
      return { id: data.song, src: data.src, title: title, href: data.href || data.url || "", cover: data.cover || "", gain: gain };
    }
    const src = songUrl("Audio", data.song);
    if (!src) return null;
    const cover = data.cover !== undefined ? data.cover : songUrl("Cover", data.song);
    return { id: data.song, src: src, title: title, href: songUrl("Page", data.song), cover: cover, gain: gain };
  }

  // Equal loudness.
  function equalLoudness() {
    try { return localStorage.getItem(LOUDNESS_STORE) !== "0"; } catch (e) { return true; }
  }

  let graph = null; // {context, gain} once the bar's audio plays through Web Audio

  function boost(media) {
    if (graph) return graph;
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    try {
      const context = new Context();
      const gain = context.createGain();
      context.createMediaElementSource(media).connect(gain).connect(context.destination);
      graph = { context: context, gain: gain };
    } catch (e) { graph = null; }
    return graph;
  }

  // Set the bar's level for the current track; `playing`: called from a play, when a
  // GainNode may be set up and its context started.
  function level(playing) {
    const media = audio();
    if (!media) return;
    const track = current();
    const db = equalLoudness() && track && typeof track.gain === "number" ? track.gain : 0;
    const factor = Math.pow(10, db / 20);
    if (factor > 1 && playing) boost(media);
    if (graph) {
      media.volume = 1;
      graph.gain.gain.value = factor;
      if (playing && graph.context.state === "suspended") graph.context.resume();
    } else {
      media.volume = Math.min(1, factor);
    }
  }

  function setEqualLoudness(on) {
    try { localStorage.setItem(LOUDNESS_STORE, on ? "1" : "0"); } catch (e) { /* kept for this page */ }
    level(false);
    const box = part("loudness");
    if (box) box.checked = on;
    document.dispatchEvent(new CustomEvent("studio:loudness", { detail: { on: on } }));
  }

  function valid(track) {
    if (!track || typeof track.src !== "string" || !track.src || !track.id) return false;
    if (!track.href && track.url) track.href = track.url; // the song page's address, either name
    return true;
  }

  function current() {
    return index >= 0 && index < queue.length ? queue[index] : null;
  }

  function isCurrent(songId) {
    const track = current();
    return Boolean(track && String(track.id) === String(songId));
  }

  function announce() {
    const media = audio();
    document.dispatchEvent(new CustomEvent("studio:player", {
      detail: {
        track: current(),
        time: media ? media.currentTime : 0,
        duration: media && isFinite(media.duration) ? media.duration : 0,
        paused: media ? media.paused : true,
      },
    }));
  }

  function save() {
    const media = audio();
    try {
      sessionStorage.setItem(STORE, JSON.stringify({
        queue: queue, index: index, time: media ? media.currentTime : 0,
      }));
    } catch (e) { /* storage full or off: the bar still works for this page */ }
  }

  // The bar's face: title, cover, buttons, queue list.
  function render() {
    const root = bar();
    if (!root) return;
    const track = current();
    const media = audio();
    root.classList.toggle("is-empty", !track);
    const title = part("title");
    const cover = part("cover");
    // With nothing playing (or a track without a page) both lead to the library.
    const home = root.dataset.home || "/";
    if (title) {
      title.textContent = track ? track.title : "Nothing playing";
      title.setAttribute("href", (track && track.href) || home);
    }
    if (cover) {
      cover.replaceChildren();
      cover.setAttribute("href", (track && track.href) || home);
      cover.setAttribute("aria-label", track && track.href ? "Open the playing song" : "Open the library");
      if (track && track.cover) {
        const img = document.createElement("img");
        img.src = track.cover;
        img.alt = "";
        img.width = 44;
        img.height = 44;
        cover.appendChild(img);
      }
    }
    const toggle = part("toggle");
    if (toggle) {
      const paused = !media || media.paused;
      toggle.textContent = paused ? "▶" : "❚❚";
      toggle.setAttribute("aria-label", paused ? "Play" : "Pause");
      toggle.disabled = !track;
    }
    const prev = part("prev");
    const next = part("next");
    if (prev) prev.disabled = !track;
    if (next) next.disabled = index >= queue.length - 1;
    const seek = part("seek");
    if (seek) seek.disabled = !track;
    const count = part("count");
    if (count) count.textContent = String(queue.length);
    const list = part("list");
    if (list) {
      list.replaceChildren();
      queue.forEach((item, n) => {
        const li = document.createElement("li");
        if (n === index) li.setAttribute("aria-current", "true");
        const go = document.createElement("button");
        go.type = "button";
        go.className = "linklike";
        go.dataset.queueJump = String(n);
        go.textContent = item.title;
        const drop = document.createElement("button");
        drop.type = "button";
        drop.className = "linklike muted";
        drop.dataset.queueDrop = String(n);
        drop.setAttribute("aria-label", "Remove " + item.title + " from the queue");
        drop.textContent = "✕";
        li.append(go, " ", drop);
        list.appendChild(li);
      });
    }
    // htmx reads a link's address when it boosts it: tell it the new one.
    if (window.htmx) [title, cover].forEach((link) => { if (link) window.htmx.process(link); });
    progress();
  }

  let dragging = false;
  function progress() {
    const media = audio();
    const seek = part("seek");
    const time = part("time");
    const length = media && isFinite(media.duration) ? media.duration : 0;
    if (seek && !dragging) {
      seek.max = String(length || 0);
      seek.value = String(media ? media.currentTime : 0);
      seek.setAttribute("aria-valuetext", clock(media ? media.currentTime : 0) + " of " + clock(length));
    }
    if (time) time.textContent = clock(media ? media.currentTime : 0) + " / " + clock(length);
  }

  // Load the track at `n`; play it when asked (a click), else just cue it.
  function load(n, play, at) {
    const media = audio();
    if (!media || n < 0 || n >= queue.length) return;
    index = n;
    const track = queue[n];
    if (media.dataset.song !== String(track.id)) {
      media.dataset.song = String(track.id);
      media.src = track.src;
      media.preload = "metadata";
    }
    if (at !== undefined && at > 0) {
      const jump = () => { try { media.currentTime = at; } catch (e) { /* not seekable yet */ } };
      if (media.readyState >= 1) jump();
      else media.addEventListener("loadedmetadata", jump, { once: true });
    }
    level(false);
    if (play) {
      const started = media.play();
      if (started && started.catch) started.catch(() => render());
    }
    render();
    save();
    announce();
  }

  function play(track, at) {
    if (!valid(track)) return;
    const found = queue.findIndex((item) => String(item.id) === String(track.id));
    if (found >= 0) {
      load(found, true, at);
      return;
    }
    queue.splice(index + 1, 0, track);
    load(index + 1, true, at);
  }

  // Put the track in the bar at a moment without playing it (a marker clicked, say).
  function cue(track, at) {
    if (!valid(track)) return;
    if (isCurrent(track.id)) { seek(at || 0); return; }
    let found = queue.findIndex((item) => String(item.id) === String(track.id));
    if (found < 0) { queue.splice(index + 1, 0, track); found = index + 1; }
    const media = audio();
    if (media && !media.paused) media.pause();
    load(found, false, at);
  }

  function playQueue(tracks, start) {
    const list = (tracks || []).filter(valid);
    if (!list.length) return;
    queue = list;
    index = -1;
    load(Math.min(Math.max(start || 0, 0), list.length - 1), true);
  }

  function playNext(track) {
    if (!valid(track)) return;
    const found = queue.findIndex((item) => String(item.id) === String(track.id));
    if (found >= 0 && found !== index) {
      queue.splice(found, 1);
      if (found < index) index -= 1;
    } else if (found === index) {
      return;
    }
    queue.splice(index + 1, 0, track);
    if (index < 0) load(0, false);
    else { render(); save(); }
  }

  function enqueue(track) {
    if (!valid(track)) return;
    if (queue.some((item) => String(item.id) === String(track.id))) return;
    queue.push(track);
    if (index < 0) load(0, false);
    else { render(); save(); }
  }

  function toggle() {
    const media = audio();
    if (!media || !current()) return;
    if (media.paused) media.play().catch(() => render());
    else media.pause();
  }

  function seek(seconds) {
    const media = audio();
    if (!media || !current()) return;
    const end = isFinite(media.duration) ? media.duration : seconds;
    media.currentTime = Math.min(Math.max(0, seconds), end);
    progress();
    announce();
  }

  function next() {
    if (index < queue.length - 1) load(index + 1, true);
  }

  function previous() {
    const media = audio();
    if (media && media.currentTime > RESTART_AFTER) seek(0);
    else if (index > 0) load(index - 1, true);
    else seek(0);
  }

  function drop(n) {
    if (n < 0 || n >= queue.length) return;
    const media = audio();
    queue.splice(n, 1);
    if (n < index) index -= 1;
    else if (n === index) {
      if (media) { media.pause(); media.removeAttribute("src"); delete media.dataset.song; media.load(); }
      if (index >= queue.length) index = queue.length - 1;
      if (index >= 0) { load(index, false); return; }
    }
    render();
    save();
    announce();
  }

  // Buttons anywhere on the page.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-player]");
    if (button) {
      const track = trackOf(button);
      const what = button.dataset.player;
      if (what === "play") {
        if (track && isCurrent(track.id)) toggle();
        else play(track);
      } else if (what === "next") playNext(track);
      else if (what === "queue") enqueue(track);
      return;
    }
    const root = bar();
    if (!root || !root.contains(event.target)) return;
    const control = event.target.closest("[data-part], [data-queue-jump], [data-queue-drop]");
    if (!control) return;
    if (control.dataset.queueJump !== undefined) load(Number(control.dataset.queueJump), true);
    else if (control.dataset.queueDrop !== undefined) drop(Number(control.dataset.queueDrop));
    else if (control.dataset.part === "toggle") toggle();
    else if (control.dataset.part === "prev") previous();
    else if (control.dataset.part === "next") next();
  });

  document.addEventListener("input", (event) => {
    if (event.target !== part("seek")) return;
    dragging = true;
    const time = part("time");
    const media = audio();
    if (time && media) time.textContent = clock(Number(event.target.value)) + " / " + clock(media.duration);
  });
  document.addEventListener("change", (event) => {
    if (event.target !== part("seek")) return;
    dragging = false;
    seek(Number(event.target.value));
  });

  // Space plays or pauses, arrows seek, shift+arrows go through the queue; never while
  // typing, and not where space or arrows already mean something (buttons, sliders, menus).
  const FIELDS = "input, textarea, select, [role=slider], [role=group], [contenteditable]";
  function typing(node, space) {
    if (!node || node === document.body || !node.closest) return false;
    if (node.isContentEditable || node.closest(FIELDS)) return true;
    // Space already presses a focused button or link.
    return space && Boolean(node.closest("button, a, summary"));
  }
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const space = event.key === " " || event.key === "Spacebar";
    if (!current() || typing(event.target, space)) return;
    const media = audio();
    if (space) toggle();
    else if (event.key === "ArrowRight" && event.shiftKey) next();
    else if (event.key === "ArrowLeft" && event.shiftKey) previous();
    else if (event.key === "ArrowRight") seek(media.currentTime + SEEK_STEP);
    else if (event.key === "ArrowLeft") seek(media.currentTime - SEEK_STEP);
    else return;
    event.preventDefault();
  });

  const RETRIES = 30;
  const RETRY_MS = 2000;
  let saved = 0;
  function wire() {
    const media = audio();
    if (!media || media.dataset.wired) return;
    media.dataset.wired = "true";
    ["play", "pause", "loadedmetadata", "durationchange"].forEach((name) => {
      media.addEventListener(name, () => { render(); announce(); });
    });
    media.addEventListener("play", () => level(true));
    const box = part("loudness");
    if (box) {
      box.checked = equalLoudness();
      box.addEventListener("change", () => setEqualLoudness(box.checked));
    }
    media.addEventListener("timeupdate", () => {
      progress();
      announce();
      if (Date.now() - saved > 2000) { saved = Date.now(); save(); }
    });
    media.addEventListener("ended", () => {
      if (index < queue.length - 1) load(index + 1, true);
      else { render(); announce(); }
    });
    // A song that has just finished is served once its file is copied into the studio
    // (a few seconds): until then the file answers 404, so try again for a while.
    let tries = 0;
    let wanted = false;
    media.addEventListener("play", () => { wanted = true; });
    media.addEventListener("pause", () => { if (!media.error) wanted = false; });
    media.addEventListener("loadeddata", () => { tries = 0; });
    media.addEventListener("error", () => {
      const title = part("title");
      const song = media.dataset.song;
      if (tries < RETRIES && song) {
        tries += 1;
        setTimeout(() => {
          if (media.dataset.song !== song) return;
          media.load();
          if (wanted) media.play().catch(() => render());
        }, RETRY_MS);
        return;
      }
      if (title && current()) title.textContent = current().title + " (could not be played)";
    });
  }

  // A full page load starts from what this tab played last, paused at the same moment.
  function restore() {
    if (!bar()) {
      try { sessionStorage.removeItem(STORE); } catch (e) { /* nothing kept */ }
      return;
    }
    wire();
    if (queue.length) { render(); return; }
    let state = null;
    try { state = JSON.parse(sessionStorage.getItem(STORE) || "null"); } catch (e) { state = null; }
    if (state && Array.isArray(state.queue)) {
      queue = state.queue.filter(valid);
      if (queue.length) load(Math.min(Math.max(state.index || 0, 0), queue.length - 1), false, state.time || 0);
    }
    render();
  }

  window.addEventListener("pagehide", save);
  document.addEventListener("DOMContentLoaded", restore);
  // After a boosted navigation the bar is the same element; a page without it (logged out)
  // forgets the queue.
  document.addEventListener("studio:page", restore);

  window.studioPlayer = {
    playQueue: playQueue,
    play: play,
    cue: cue,
    playNext: playNext,
    enqueue: enqueue,
    toggle: toggle,
    seek: seek,
    next: next,
    previous: previous,
    current: current,
    isCurrent: isCurrent,
    equalLoudness: equalLoudness,
    setEqualLoudness: setEqualLoudness,
    trackOf: trackOf,
    audio: audio,
    queue: () => queue.slice(),
  };
})();

// Producer Studio behaviour (no inline scripts: CSP forbids them).
"use strict";

(function () {
  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  function clock(seconds) {
    const s = Math.max(0, Math.round(seconds || 0));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  let treeAudio = null; // the family tree's player (see below)
  let treeButton = null;

  // One song at a time: starting a player pauses every other one on the page.
  document.addEventListener("play", (event) => {
    if (treeAudio && event.target !== treeAudio) treeAudio.pause();
    $$("audio, video").forEach((media) => {
      if (media !== event.target && !media.paused) media.pause();
    });
  }, true);

  // A double click must not send (and pay for) the same request twice. Captured, so a
  // boosted form's second submit never reaches htmx either.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") return;
    if (form.dataset.sent) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    form.dataset.sent = "true";
    const button = event.submitter;
    if (button) button.setAttribute("aria-busy", "true");
  }, true);
  window.addEventListener("pageshow", () => {
    $$("form[data-sent]").forEach((form) => { delete form.dataset.sent; });
    $$('[aria-busy="true"]').forEach((node) => node.removeAttribute("aria-busy"));
  });

  // An upload over the limit is refused here, before a byte is sent, with the reason next
  // to the file (window capture: ahead of the double-submit guard above).
  window.addEventListener("submit", (event) => {
    const zone = event.target.querySelector && event.target.querySelector("#dropzone[data-max-bytes]");
    const input = zone && $("input[type=file]", zone);
    if (!input || !input.files.length) return;
    const limit = Number(zone.dataset.maxBytes);
    let note = $("#file-too-big", zone);
    if (input.files[0].size <= limit) {
      if (note) note.remove();
      input.removeAttribute("aria-invalid");
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (!note) {
      note = document.createElement("small");
      note.id = "file-too-big";
      note.className = "field-error";
      note.setAttribute("role", "alert");
      zone.appendChild(note);
    }
    note.textContent = zone.dataset.tooBig;
    zone.classList.add("has-error");
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", "file-too-big");
    input.focus();
  }, true);

  // A request that never got an answer (the connection dropped) leaves no button spinning.
  ["htmx:sendError", "htmx:responseError"].forEach((type) => document.addEventListener(type, (event) => {
    const form = event.detail && event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
    if (form) delete form.dataset.sent;
    $$('[aria-busy="true"]').forEach((node) => node.removeAttribute("aria-busy"));
  }));

  // Copy buttons: data-copy names the input whose value is copied; the button says so.
  document.addEventListener("click", async (event) => {
    const button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    const input = document.getElementById(button.dataset.copy);
    if (!input) return;
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
    } catch (error) {
      document.execCommand("copy"); // without the clipboard API (plain http): the selection
    }
    button.textContent = button.dataset.copied || button.textContent;
  });

  // Sliders show their value next to the label.
  document.addEventListener("input", (event) => {
    const input = event.target;
    if (input.type === "range" && input.id) {
      const output = $('output[data-for="' + input.id + '"]');
      if (output) output.textContent = input.value;
    }
  });

  // Create page: lyrics are ignored for instrumentals, so dim them.
  function syncInstrumental() {
    const toggle = $("#id_instrumental");
    const box = $("#lyrics-box");
    if (toggle && box) box.classList.toggle("lyrics-off", toggle.checked);
  }
  document.addEventListener("change", (event) => {
    if (event.target.id === "id_instrumental") syncInstrumental();
  });

  // Create page: show the fields of the chosen model's engine; the others are not sent.
  function syncEngine() {
    const pick = $("#id_model");
    if (!pick) return;
    const engine = pick.value.split(":")[0];
    $$("[data-engine]").forEach((node) => {
      const on = node.dataset.engine === engine;
      node.hidden = !on;
      $$("input, select, textarea", node).forEach((input) => { input.disabled = !on; });
    });
  }
  document.addEventListener("change", (event) => {
    if (event.target.id === "id_model") syncEngine();
  });
  document.addEventListener("DOMContentLoaded", syncEngine);
  document.addEventListener("htmx:load", syncEngine);

  // The lyrics assistant lives inside the create form: Enter asks it, not the form.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.id === "id_lyrics_prompt") {
      event.preventDefault();
      const go = $("#lyrics-go");
      if (go) go.click();
    }
  });

  // When the assistant's lyrics arrive they are offered beside what was typed: into an
  // empty box they go at once, otherwise the user picks (use, add below, keep mine).
  // Typed lyrics are never replaced without that choice.
  function lyricsOffered() {
    const offer = $("#lyrics-offer:not([data-done])");
    const box = $("#id_lyrics_text");
    if (!offer || !box) return;
    const title = $("#id_title");
    if (title && !title.value && offer.dataset.title) title.value = offer.dataset.title;
    if (!box.value.trim()) settleLyrics(offer, "use");
  }
  function settleLyrics(offer, choice) {
    const box = $("#id_lyrics_text");
    const draft = $("#lyrics-draft", offer);
    if (!box || !draft) return;
    if (choice === "use") box.value = draft.textContent;
    if (choice === "append") box.value = box.value.replace(/\s+$/, "") + "\n\n" + draft.textContent;
    offer.dataset.done = choice;
    $$(".offer-choices", offer).forEach((node) => { node.hidden = true; });
    draft.hidden = choice !== "keep";
    const filled = $(".offer-filled", offer);
    if (filled) filled.hidden = choice === "keep";
    box.focus();
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-lyrics-choice]");
    const offer = button && button.closest("#lyrics-offer");
    if (offer) settleLyrics(offer, button.dataset.lyricsChoice);
  });
  // "Your song is on its way" and the like say what is running: once the poll has brought
  // the last running card home, they are no longer true.
  function dropDoneMessages() {
    if ($("input[name=j]")) return;
    $$(".message.until-done").forEach((node) => node.remove());
    $$(".messages").forEach((box) => { if (!box.children.length) box.remove(); });
  }
  document.addEventListener("htmx:oobAfterSwap", dropDoneMessages);
  // The lyrics go in with the status that says they are written, not a settle later.
  document.addEventListener("htmx:afterSwap", lyricsOffered);
  document.addEventListener("htmx:afterSettle", () => {
    lyricsOffered();
    syncInstrumental();
    dropDoneMessages();
  });

  // A point or region picked on the waveform goes into every remix form that takes it:
  // the inputs named by id, and those marked data-wave="point", "start" or "end".
  function setValue(id, value, wave) {
    const inputs = $$('[data-wave="' + wave + '"]');
    const input = document.getElementById(id);
    if (input) inputs.push(input);
    inputs.forEach((node) => { node.value = value.toFixed(2); });
  }

  // Song page: the waveform shows the song and drives the player bar (one player): a click
  // plays this song from there, the bar's position moves the waveform's cursor.
  let pageWave = null;
  let unbindWave = null;
  function initWaveform() {
    if (unbindWave) { unbindWave(); unbindWave = null; }
    if (pageWave) { pageWave.destroy(); pageWave = null; }
    const container = $("#waveform");
    const player = window.studioPlayer;
    if (!container || !player) return;
    const holder = container.closest("[data-song]");
    const track = player.trackOf(container);
    const toggle = $("#play-toggle");
    const readout = $("#region-readout");
    const peaksNode = $("#song-peaks");
    const peaks = peaksNode ? JSON.parse(peaksNode.textContent) : [];
    const duration = parseFloat(container.dataset.duration) || undefined;
    const mine = () => player.isCurrent(holder.dataset.song);
    const bar = () => player.audio();
    // Nothing in the bar yet: this song waits in it, so space plays it.
    if (!player.current()) player.enqueue(track);

    let lastTime = 0;
    function reflect(event) {
      const detail = event.detail;
      const playing = mine() && !detail.paused;
      if (toggle) {
        toggle.textContent = playing ? "❚❚" : "▶";
        toggle.setAttribute("aria-label", playing ? "Pause" : "Play");
      }
      if (mine() && pageWave) {
        lastTime = detail.time;
        showTime(detail.time);
      }
    }
    document.addEventListener("studio:player", reflect);
    unbindWave = () => document.removeEventListener("studio:player", reflect);
    const now = () => (mine() ? bar().currentTime : lastTime);

    container.addEventListener("keydown", (event) => {
      if (event.key === " " || event.key === "Enter") {
        event.preventDefault();
        if (toggle) toggle.click();
      } else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
        event.preventDefault();
        if (mine()) player.seek(bar().currentTime + (event.key === "ArrowRight" ? 5 : -5));
      }
    });

    if (!window.WaveSurfer) return; // the SVG picture stays; the bar still plays the song
    const nonce = $('meta[name="csp-nonce"]');
    const options = {
      container: container,
      // A silent stand-in: the bar's <audio> is the only player, this one only keeps time.
      media: document.createElement("audio"),
      height: 96,
      waveColor: "#6d5bd0",
      progressColor: "#c4b5fd",
      cursorColor: "#f472b6",
      barWidth: 2,
      barGap: 1,
      barRadius: 2,
      normalize: true,
      dragToSeek: false,
      // The document's own nonce: after a boosted navigation the new page's is not in force.
      cspNonce: (nonce && nonce.content) || container.dataset.cspNonce || undefined,
    };
    if (peaks.length && duration) {
      options.peaks = [peaks];
      options.duration = duration;
    } else {
      options.url = track.src; // decoded here to draw it; still played by the bar
    }
    // With stored peaks wavesurfer draws at once; without, the server's picture stays
    // until the audio is decoded.
    const picture = Array.from(container.children).filter((node) => node.tagName === "svg");
    const dropPicture = () => picture.forEach((svg) => svg.remove());
    if (options.peaks) dropPicture();
    const wave = window.WaveSurfer.create(options);
    // The waveform only shows the bar's time; moving it (a review marker, another script)
    // moves the bar: this song is put in the bar there if it is not the one playing.
    const showTime = wave.setTime.bind(wave);
    let cued = false;
    wave.setTime = (time) => {
      showTime(time);
      lastTime = time;
      if (mine()) player.seek(time);
      else { player.cue(track, time); cued = true; }
    };
    pageWave = wave;
    window.studioWave = wave;
    wave.once("redraw", dropPicture);
    const follow = () => { if (mine()) showTime(bar().currentTime); };
    wave.once("ready", () => { container.dataset.ready = "true"; follow(); });
    // Without stored peaks the file is decoded here; a song just finished is served once it
    // is copied into the studio (seconds), so a 404 is tried again for a while.
    let waveTries = 0;
    wave.on("error", () => {
      if (!options.url || waveTries >= 30 || pageWave !== wave) return;
      waveTries += 1;
      setTimeout(() => { if (pageWave === wave) wave.load(options.url); }, 2000);
    });
    wave.once("redraw", follow);
    // A click on the waveform of a song not playing yet starts it there.
    wave.on("interaction", (time) => {
      lastTime = time;
      if (cued) player.play(track, time);
      else if (!mine()) player.play(track, time);
      cued = false;
    });

    const Regions = window.WaveSurfer.Regions;
    if (!Regions || !readout) return; // viewers: seek only
    const regions = wave.registerPlugin(Regions.create());
    regions.enableDragSelection({ color: "rgba(244, 114, 182, 0.25)" });

    function showRegion(region) {
      setValue("id_replace_starts", region.start, "start");
      setValue("id_replace_ends", region.end, "end");
      readout.textContent = "Section " + clock(region.start) + " – " + clock(region.end) +
        " selected: open “Replace section” to rewrite it.";
      const panel = $("#panel-replace");
      if (panel) panel.open = true;
    }
    let point = null; // the extend marker: a region without length
    // The marker fires region-created before addRegion returns: tell it apart by its id.
    const isPoint = (region) => region.id === "extend-point";
    regions.on("region-created", (region) => {
      if (isPoint(region)) return;
      regions.getRegions().forEach((other) => { if (other !== region && !isPoint(other)) other.remove(); });
      showRegion(region);
    });
    regions.on("region-updated", (region) => { if (!isPoint(region)) showRegion(region); });
    function setPoint(time) {
      setValue("id_extend_starts", time, "point");
      if (point) point.remove();
      point = regions.addRegion({ id: "extend-point", start: time, color: "#34d399", drag: false });
      readout.textContent = "Point " + clock(time) + " set: “Extend” continues the song from there.";
      const panel = $("#panel-extend");
      if (panel) panel.open = true;
    }
    // Typing a time into Extend moves the marker too.
    const startsInput = $("#id_extend_starts");
    if (startsInput) {
      startsInput.addEventListener("change", () => {
        const value = parseFloat(startsInput.value);
        if (value >= 0 && (!duration || value <= duration)) {
          if (point) point.remove();
          point = regions.addRegion({ id: "extend-point", start: value, color: "#34d399", drag: false });
        }
      });
    }
    wave.on("interaction", setPoint);

    // The same choices from the keyboard, at the playing position: [ and ] mark a section,
    // E marks the point to extend from.
    let markStart = null;
    container.addEventListener("keydown", (event) => {
      const at = now();
      if (event.key === "[") {
        markStart = at;
        readout.textContent = "Section starts at " + clock(at) + ": press ] where it should end.";
      } else if (event.key === "]" && markStart !== null && at > markStart) {
        regions.getRegions().forEach((other) => { if (!isPoint(other)) other.remove(); });
        regions.addRegion({ start: markStart, end: at, color: "rgba(244, 114, 182, 0.25)" });
      } else if (event.key === "e" || event.key === "E") {
        setPoint(at);
      }
    });
  }

  // Family tree: each node's play button plays that song in one shared player.
  function treeButtonsIdle() {
    $$(".tree-play").forEach((b) => { b.textContent = "▶"; b.setAttribute("aria-pressed", "false"); });
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest(".tree-play[data-play-src]");
    if (!button) return;
    if (!treeAudio) {
      treeAudio = new Audio();
      treeAudio.addEventListener("pause", treeButtonsIdle);
      treeAudio.addEventListener("ended", treeButtonsIdle);
      treeAudio.addEventListener("play", () => {
        if (treeButton) { treeButton.textContent = "❚❚"; treeButton.setAttribute("aria-pressed", "true"); }
      });
    }
    if (treeButton === button && !treeAudio.paused) { treeAudio.pause(); return; }
    treeButtonsIdle();
    $$("audio, video").forEach((media) => media.pause());
    treeButton = button;
    if (treeAudio.src !== new URL(button.dataset.playSrc, location.href).href) treeAudio.src = button.dataset.playSrc;
    treeAudio.play();
  });

  // A/B compare: one play button, two sources kept at the same position.
  function initAB() {
    const a = $("#ab-a");
    const b = $("#ab-b");
    const play = $("#ab-play");
    if (!a || !b || !play) return;
    let active = a;
    const time = $("#ab-time");
    // Equal loudness (the player bar's setting): the louder one is turned down to the
    // other's loudness, so A and B differ by their music, not their level.
    const levels = () => {
      const player = window.studioPlayer;
      const on = !player || !player.equalLoudness || player.equalLoudness();
      const ga = Number(a.dataset.gain);
      const gb = Number(b.dataset.gain);
      if (!on || a.dataset.gain === undefined || b.dataset.gain === undefined || !isFinite(ga) || !isFinite(gb)) {
        a.volume = 1;
        b.volume = 1;
        return;
      }
      const top = Math.max(ga, gb);
      a.volume = Math.min(1, Math.pow(10, (ga - top) / 20));
      b.volume = Math.min(1, Math.pow(10, (gb - top) / 20));
    };
    levels();
    document.addEventListener("studio:loudness", levels);
    const sync = () => { play.textContent = active.paused ? "▶" : "❚❚"; };
    [a, b].forEach((media) => {
      media.addEventListener("timeupdate", () => { if (media === active && time) time.textContent = clock(media.currentTime); });
      media.addEventListener("play", sync);
      media.addEventListener("pause", sync);
    });
    play.addEventListener("click", () => (active.paused ? active.play() : active.pause()));
    $$(".ab-pick").forEach((button) => {
      button.addEventListener("click", () => {
        const next = button.dataset.ab === "b" ? b : a;
        if (next === active) return;
        const playing = !active.paused;
        const at = active.currentTime;
        active.pause();
        active = next;
        try { active.currentTime = at; } catch (e) { /* not loaded yet: starts at 0 */ }
        if (playing) active.play();
        $$(".ab-pick").forEach((other) => {
          const on = other === button;
          other.setAttribute("aria-pressed", on ? "true" : "false");
          other.classList.toggle("secondary", !on);
        });
        sync();
      });
    });
  }

  // Upload page: a file dropped anywhere on the page goes into the file input (rather
  // than the browser leaving the page to open it). The document's listeners are added once
  // and look the zone up each time, since boosted navigation swaps the page under them.
  const dropZone = () => $("#dropzone");
  const dropInput = () => { const zone = dropZone(); return zone && $("input[type=file]", zone); };
  function showDropped() {
    const input = dropInput();
    const name = $("#drop-name");
    if (input && name) name.textContent = input.files.length ? "Chosen: " + input.files[0].name : "";
  }
  ["dragenter", "dragover"].forEach((type) => document.addEventListener(type, (event) => {
    if (!dropInput()) return;
    event.preventDefault();
    dropZone().classList.add("drag-over");
  }));
  ["dragleave", "drop"].forEach((type) => document.addEventListener(type, () => {
    const zone = dropZone();
    if (zone) zone.classList.remove("drag-over");
  }));
  document.addEventListener("drop", (event) => {
    const input = dropInput();
    if (!input) return;
    event.preventDefault();
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    showDropped();
  });
  function initDropzone() {
    const input = dropInput();
    if (input && !input.dataset.dropReady) {
      input.dataset.dropReady = "1";
      input.addEventListener("change", showDropped);
    }
  }

  // A video made a moment ago is served once it is copied into the studio (seconds): until
  // then it answers 404, so a video someone pressed play on is tried again for a while.
  // Media errors do not bubble: one listener in the capture phase sees every video, those
  // the poll swaps in too.
  const VIDEO_RETRIES = 90; // 3 minutes: a busy server renders and copies a video slower
  const VIDEO_RETRY_MS = 2000;
  document.addEventListener("error", (event) => {
    const video = event.target;
    if (!(video instanceof HTMLVideoElement) || !video.classList.contains("video")) return;
    const tries = Number(video.dataset.tries || 0);
    if (tries >= VIDEO_RETRIES) return;
    video.dataset.tries = String(tries + 1);
    setTimeout(() => {
      if (!video.isConnected) return;
      video.load();
      video.play().catch(() => { /* still not there: the next error tries again */ });
    }, VIDEO_RETRY_MS);
  }, true);

  // A copy button copies the value of the field it names (data-copy="<input id>").
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    field.select();
    const done = () => { button.textContent = button.dataset.copied || button.textContent; };
    if (navigator.clipboard) navigator.clipboard.writeText(field.value).then(done, () => {});
    else if (document.execCommand("copy")) done();
  });

  function initPage() {
    dropDoneMessages();
    initDropzone();
    syncInstrumental();
    initWaveform();
    initAB();
  }
  document.addEventListener("DOMContentLoaded", initPage);
  // After a boosted navigation (static/js/navigation.js), once the page's scripts are in.
  document.addEventListener("studio:page", initPage);
})();

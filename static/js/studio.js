// Producer Studio behaviour (no inline scripts: CSP forbids them).
"use strict";

(function () {
  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  function clock(seconds) {
    const s = Math.max(0, Math.round(seconds || 0));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  // One song at a time: starting a player pauses every other one on the page.
  document.addEventListener("play", (event) => {
    $$("audio, video").forEach((media) => {
      if (media !== event.target && !media.paused) media.pause();
    });
  }, true);

  // A double click must not send (and pay for) the same request twice.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") return;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "true";
    const button = event.submitter;
    if (button) button.setAttribute("aria-busy", "true");
  });
  window.addEventListener("pageshow", () => {
    $$("form[data-sent]").forEach((form) => { delete form.dataset.sent; });
    $$('[aria-busy="true"]').forEach((node) => node.removeAttribute("aria-busy"));
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

  // The lyrics assistant lives inside the create form: Enter asks it, not the form.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.id === "id_lyrics_prompt") {
      event.preventDefault();
      const go = $("#lyrics-go");
      if (go) go.click();
    }
  });

  // When the assistant's lyrics arrive, use their title if none was typed.
  document.addEventListener("htmx:afterSettle", () => {
    const box = $("#lyrics-box[data-title]");
    const title = $("#id_title");
    if (box && title && !title.value && box.dataset.title) title.value = box.dataset.title;
    if (box) box.removeAttribute("data-title");
    syncInstrumental();
  });

  function setValue(id, value) {
    const input = document.getElementById(id);
    if (input) input.value = value.toFixed(2);
  }

  // Song page: the big player with an interactive waveform.
  function initWaveform() {
    const container = $("#waveform");
    const audio = $("#main-audio");
    if (!container || !audio) return;
    const toggle = $("#play-toggle");
    const readout = $("#region-readout");
    const peaksNode = $("#song-peaks");
    const peaks = peaksNode ? JSON.parse(peaksNode.textContent) : [];
    const duration = parseFloat(container.dataset.duration) || undefined;

    if (toggle) {
      toggle.addEventListener("click", () => (audio.paused ? audio.play() : audio.pause()));
      audio.addEventListener("play", () => { toggle.textContent = "❚❚"; toggle.setAttribute("aria-label", "Pause"); });
      audio.addEventListener("pause", () => { toggle.textContent = "▶"; toggle.setAttribute("aria-label", "Play"); });
    }
    container.addEventListener("keydown", (event) => {
      if (event.key === " " || event.key === "Enter") { event.preventDefault(); toggle && toggle.click(); }
      if (event.key === "ArrowRight") audio.currentTime = Math.min((audio.duration || duration || 0), audio.currentTime + 5);
      if (event.key === "ArrowLeft") audio.currentTime = Math.max(0, audio.currentTime - 5);
    });

    if (!window.WaveSurfer) return; // the SVG picture stays; the audio element still plays
    const options = {
      container: container,
      media: audio,
      height: 96,
      waveColor: "#6d5bd0",
      progressColor: "#c4b5fd",
      cursorColor: "#f472b6",
      barWidth: 2,
      barGap: 1,
      barRadius: 2,
      normalize: true,
      dragToSeek: false,
      cspNonce: container.dataset.cspNonce || undefined,
    };
    if (peaks.length && duration) {
      options.peaks = [peaks];
      options.duration = duration;
    }
    // With stored peaks wavesurfer draws at once; without, the server's picture stays
    // until the audio is decoded.
    const picture = Array.from(container.children).filter((node) => node.tagName === "svg");
    const dropPicture = () => picture.forEach((svg) => svg.remove());
    if (options.peaks) dropPicture();
    const wave = window.WaveSurfer.create(options);
    window.studioWave = wave;
    wave.once("redraw", dropPicture);
    wave.once("ready", () => { container.dataset.ready = "true"; });

    const Regions = window.WaveSurfer.Regions;
    if (!Regions || !readout) return; // viewers: seek only
    const regions = wave.registerPlugin(Regions.create());
    regions.enableDragSelection({ color: "rgba(244, 114, 182, 0.25)" });

    function showRegion(region) {
      setValue("id_replace_starts", region.start);
      setValue("id_replace_ends", region.end);
      readout.textContent = "Section " + clock(region.start) + " – " + clock(region.end) +
        " selected: open “Replace section” to rewrite it.";
      const panel = $("#panel-replace");
      if (panel) panel.open = true;
    }
    regions.on("region-created", (region) => {
      regions.getRegions().forEach((other) => { if (other !== region) other.remove(); });
      showRegion(region);
    });
    regions.on("region-updated", showRegion);
    function setPoint(time) {
      setValue("id_extend_starts", time);
      readout.textContent = "Point " + clock(time) + " set: “Extend” continues the song from there.";
    }
    wave.on("interaction", setPoint);

    // The same choices from the keyboard, at the playing position: [ and ] mark a section,
    // E marks the point to extend from.
    let markStart = null;
    container.addEventListener("keydown", (event) => {
      const now = audio.currentTime;
      if (event.key === "[") {
        markStart = now;
        readout.textContent = "Section starts at " + clock(now) + ": press ] where it should end.";
      } else if (event.key === "]" && markStart !== null && now > markStart) {
        regions.clearRegions();
        regions.addRegion({ start: markStart, end: now, color: "rgba(244, 114, 182, 0.25)" });
      } else if (event.key === "e" || event.key === "E") {
        setPoint(now);
      }
    });
  }

  // A/B compare: one play button, two sources kept at the same position.
  function initAB() {
    const a = $("#ab-a");
    const b = $("#ab-b");
    const play = $("#ab-play");
    if (!a || !b || !play) return;
    let active = a;
    const time = $("#ab-time");
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

  document.addEventListener("DOMContentLoaded", () => {
    syncInstrumental();
    initWaveform();
    initAB();
  });
})();

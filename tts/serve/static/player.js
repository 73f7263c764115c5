/* Read-along player for one episode page. Plain JavaScript, no build step.
 *
 * Without this script the page still works: the native <audio controls> plays and the whole transcript is there.
 * With it: custom controls drive the same <audio>, the sentence being spoken (and the word, when word timings exist)
 * is highlighted and kept in view, a click or Enter on a sentence plays from it, and the seek slider follows the
 * WAI-ARIA APG media seek slider pattern with aria-valuetext in Chinese ("4分3秒，共5分8秒").
 * Keyboard shortcuts act only while focus is inside the player, so a screen reader's browse mode keeps its keys.
 */
(function () {
  "use strict";
  var audio = document.getElementById("audio");
  var player = document.getElementById("player");
  if (!audio || !player) return;

  var controls = document.getElementById("controls");
  var playButton = document.getElementById("play");
  var seek = document.getElementById("seek");
  var fill = seek.querySelector(".fill");
  var thumb = seek.querySelector(".thumb");
  var clockText = document.getElementById("clock");
  var speed = document.getElementById("speed");
  var status = document.getElementById("status");
  var transcript = document.getElementById("transcript");
  var SPEEDS = Array.prototype.map.call(speed.options, function (o) { return parseFloat(o.value); });
  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  function timed(el) {
    return { el: el, start: parseFloat(el.dataset.start), end: parseFloat(el.dataset.end || el.dataset.start) };
  }
  var sentences = Array.prototype.map.call(document.querySelectorAll("#transcript .s"), function (el) {
    var s = timed(el);
    s.words = Array.prototype.map.call(el.querySelectorAll(".w"), timed);
    return s;
  });
  var chapters = Array.prototype.map.call(document.querySelectorAll("#transcript h2[data-start]"), function (el) {
    var c = timed(el);
    // a chapter is entered at its first sentence (the chapter may start in the pause before it)
    var first = sentences.filter(function (s) { return s.start + 1e-3 >= c.start; })[0];
    c.seekTo = first ? first.start : c.start;
    return c;
  });

  audio.removeAttribute("controls");
  controls.hidden = false;
  document.getElementById("shortcuts").hidden = false;

  // -- time and words --------------------------------------------------------------------------------------------
  function duration() {
    return isFinite(audio.duration) && audio.duration > 0 ? audio.duration : parseFloat(player.dataset.duration) || 0;
  }
  function spoken(seconds) {
    var total = Math.max(0, Math.round(seconds));
    var h = Math.floor(total / 3600), m = Math.floor(total % 3600 / 60), s = total % 60;
    if (h) return h + "小时" + m + "分" + s + "秒";
    if (m) return m + "分" + s + "秒";
    return s + "秒";
  }
  function clock(seconds) {
    var total = Math.max(0, Math.floor(seconds));
    var h = Math.floor(total / 3600), m = Math.floor(total % 3600 / 60), s = total % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }
  function say(text) {  // polite status for changes the listener caused (speed), never for playback progress
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  // -- which sentence is being spoken ------------------------------------------------------------------------------
  function lastStartingBefore(items, t) {  // index of the last item whose start <= t, or -1
    var lo = 0, hi = items.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (items[mid].start <= t + 1e-3) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }
  var current = -1, currentWord = null;
  function focusInTranscript() { return transcript.contains(document.activeElement) && document.activeElement.classList.contains("s"); }

  function highlight() {
    var t = audio.currentTime;
    var n = lastStartingBefore(sentences, t);
    if (n !== current) {
      if (current >= 0) {
        sentences[current].el.classList.remove("current");
        sentences[current].el.removeAttribute("aria-current");
      }
      current = n;
      if (n >= 0) {
        var el = sentences[n].el;
        el.classList.add("current");
        el.setAttribute("aria-current", "true");
        if (!focusInTranscript()) setTabStop(n);
        if (!audio.paused) keepInView(el);
      }
    }
    var word = null;
    if (n >= 0 && sentences[n].words.length) {
      var w = lastStartingBefore(sentences[n].words, t);
      word = w >= 0 ? sentences[n].words[w].el : null;
    }
    if (word !== currentWord) {
      if (currentWord) currentWord.classList.remove("current-word");
      if (word) word.classList.add("current-word");
      currentWord = word;
    }
  }
  function keepInView(el) {
    var box = el.getBoundingClientRect();
    // on tall windows the player stays at the top (sticky) and covers that part of the window
    var top = getComputedStyle(player).position === "sticky" ? Math.max(0, player.getBoundingClientRect().bottom) : 0;
    if (box.top < top || box.bottom > window.innerHeight) {
      var middle = top + (window.innerHeight - top) / 2;
      window.scrollTo({ top: window.scrollY + box.top + box.height / 2 - middle,
                        behavior: reducedMotion.matches ? "auto" : "smooth" });
    }
  }

  // -- the seek slider (APG media seek slider) ---------------------------------------------------------------------
  function updateSlider() {
    var d = duration(), t = Math.min(audio.currentTime, d || audio.currentTime);
    var fraction = d ? t / d : 0;
    seek.setAttribute("aria-valuemax", String(Math.ceil(d)));
    seek.setAttribute("aria-valuenow", String(Math.floor(t)));
    seek.setAttribute("aria-valuetext", spoken(t) + "，共" + spoken(d));
    fill.style.width = fraction * 100 + "%";
    thumb.style.left = fraction * 100 + "%";
    clockText.textContent = clock(t) + " / " + clock(d);
  }
  function update() { highlight(); updateSlider(); }

  function seekTo(seconds) {
    var d = duration();
    audio.currentTime = Math.max(0, d ? Math.min(seconds, d) : seconds);
    update();
  }
  seek.addEventListener("keydown", function (e) {
    var steps = { ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -60, PageUp: 60 };
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key in steps) seekTo(audio.currentTime + steps[e.key]);
    else if (e.key === "Home") seekTo(0);
    else if (e.key === "End") seekTo(duration());
    else return;
    e.preventDefault();
    e.stopPropagation();
  });
  function seekFromPointer(e) {
    var box = seek.querySelector(".rail").getBoundingClientRect();
    seekTo(Math.min(1, Math.max(0, (e.clientX - box.left) / box.width)) * duration());
  }
  seek.addEventListener("pointerdown", function (e) {
    seek.setPointerCapture(e.pointerId);
    seekFromPointer(e);
    seek.focus();
  });
  seek.addEventListener("pointermove", function (e) { if (seek.hasPointerCapture(e.pointerId)) seekFromPointer(e); });

  // -- actions -----------------------------------------------------------------------------------------------------
  function togglePlay() {
    if (audio.paused) {
      var playing = audio.play();
      if (playing && playing.catch) playing.catch(function () { say("无法播放，请下载音频"); });
    } else {
      audio.pause();
    }
  }
  function sentenceStep(delta) {
    var n = current < 0 ? (delta > 0 ? 0 : -1) : current + delta;
    if (n < 0) n = 0;
    if (n < sentences.length) seekTo(sentences[n].start);
  }
  function chapterStep(delta) {
    if (!chapters.length) return;
    // before the first sentence, the listener is in chapter 1
    var n = Math.max(0, lastStartingBefore(chapters.map(function (c) { return { start: c.seekTo }; }), audio.currentTime));
    n = Math.max(0, Math.min(chapters.length - 1, n + delta));
    seekTo(chapters[n].seekTo);
    say("第" + (n + 1) + "章：" + chapters[n].el.textContent);
  }
  function setSpeed(value) {
    audio.playbackRate = value;
    speed.value = String(value);
    say("语速 " + value + " 倍");
  }
  function speedStep(delta) {
    var n = SPEEDS.indexOf(audio.playbackRate);
    if (n < 0) n = SPEEDS.indexOf(1);
    setSpeed(SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, n + delta))]);
  }

  playButton.addEventListener("click", togglePlay);
  document.getElementById("back").addEventListener("click", function () { seekTo(audio.currentTime - 10); });
  document.getElementById("forward").addEventListener("click", function () { seekTo(audio.currentTime + 10); });
  document.getElementById("prev-sentence").addEventListener("click", function () { sentenceStep(-1); });
  document.getElementById("next-sentence").addEventListener("click", function () { sentenceStep(1); });
  document.getElementById("prev-chapter").addEventListener("click", function () { chapterStep(-1); });
  document.getElementById("next-chapter").addEventListener("click", function () { chapterStep(1); });
  speed.addEventListener("change", function () { setSpeed(parseFloat(speed.value)); });

  // Shortcuts: only while focus is inside the player region, and never with Ctrl/Alt/Meta (browser and screen
  // reader commands), so nothing is taken from a screen reader's browse mode or from typing elsewhere.
  var SHORTCUTS = {
    k: togglePlay, K: togglePlay,
    j: function () { seekTo(audio.currentTime - 10); }, J: function () { seekTo(audio.currentTime - 10); },
    l: function () { seekTo(audio.currentTime + 10); }, L: function () { seekTo(audio.currentTime + 10); },
    ",": function () { sentenceStep(-1); }, "，": function () { sentenceStep(-1); },
    ".": function () { sentenceStep(1); }, "。": function () { sentenceStep(1); },
    "[": function () { chapterStep(-1); }, "【": function () { chapterStep(-1); },
    "]": function () { chapterStep(1); }, "】": function () { chapterStep(1); },
    "-": function () { speedStep(-1); },
    "=": function () { speedStep(1); }, "+": function () { speedStep(1); }
  };
  player.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return;
    var action = SHORTCUTS[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  });

  // -- the transcript: click or Enter on a sentence plays from it; arrows move between sentences -------------------
  function setTabStop(n) {
    sentences.forEach(function (s, i) { s.el.tabIndex = i === n ? 0 : -1; });
  }
  function playFrom(n) {
    seekTo(sentences[n].start);
    if (audio.paused) togglePlay();
  }
  var indexOfElement = new Map(sentences.map(function (s, i) { return [s.el, i]; }));
  transcript.addEventListener("click", function (e) {
    var el = e.target.closest(".s");
    if (el && indexOfElement.has(el)) playFrom(indexOfElement.get(el));
  });
  transcript.addEventListener("keydown", function (e) {
    var el = e.target.closest && e.target.closest(".s");
    if (!el || e.ctrlKey || e.altKey || e.metaKey) return;
    var n = indexOfElement.get(el);
    if (e.key === "Enter" || e.key === " ") {
      playFrom(n);
    } else if ((e.key === "ArrowDown" || e.key === "ArrowRight") && n + 1 < sentences.length) {
      setTabStop(n + 1); sentences[n + 1].el.focus();
    } else if ((e.key === "ArrowUp" || e.key === "ArrowLeft") && n > 0) {
      setTabStop(n - 1); sentences[n - 1].el.focus();
    } else {
      return;
    }
    e.preventDefault();
  });
  if (sentences.length) setTabStop(0);

  // the chapter list: following a chapter link also moves playback there
  document.querySelectorAll(".toc a[data-start]").forEach(function (link, n) {
    link.addEventListener("click", function () { if (chapters[n]) seekTo(chapters[n].seekTo); });
  });

  // -- keep everything in step with the audio ----------------------------------------------------------------------
  var frame = 0;
  function tick() { update(); frame = audio.paused ? 0 : window.requestAnimationFrame(tick); }
  audio.addEventListener("play", function () {
    playButton.textContent = "暂停";
    if (!frame) frame = window.requestAnimationFrame(tick);
  });
  audio.addEventListener("pause", function () { playButton.textContent = "播放"; update(); });
  audio.addEventListener("ended", function () { playButton.textContent = "播放"; });
  ["timeupdate", "seeked", "loadedmetadata", "durationchange"].forEach(function (name) {
    audio.addEventListener(name, update);
  });
  audio.addEventListener("ratechange", function () { speed.value = String(audio.playbackRate); });
  update();
})();

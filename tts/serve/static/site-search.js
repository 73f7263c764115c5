/* Title search for a static copy of the library (`tts site`): no server to ask, so the titles of every episode
 * (episodes.js, written beside index.html) are filtered here. Works from file:// too (a script, not a fetch). */
(function () {
  "use strict";
  var episodes = window.TTS_EPISODES;
  var form = document.getElementById("site-search");
  if (!episodes || !form) return;
  var input = document.getElementById("q");
  var results = document.getElementById("search-results");
  var list = document.getElementById("episode-list");
  var pagination = document.getElementById("pagination");
  var count = document.getElementById("result-count");
  var allText = count.textContent;
  form.hidden = false;

  function item(e) {
    var li = document.createElement("li");
    li.className = "episode-card";
    var h2 = document.createElement("h2");
    var a = document.createElement("a");
    a.href = e.url;
    a.textContent = e.title;
    h2.appendChild(a);
    var meta = document.createElement("p");
    meta.className = "muted";
    meta.textContent = [e.source, e.date, e.duration].filter(Boolean).join(" · ");
    li.appendChild(h2);
    li.appendChild(meta);
    return li;
  }
  function show() {
    var query = input.value.trim().toLowerCase();
    var searching = query.length > 0;
    results.hidden = !searching;
    if (list) list.hidden = searching;
    if (pagination) pagination.hidden = searching;
    results.textContent = "";
    if (!searching) { count.textContent = allText; return; }
    var found = episodes.filter(function (e) { return e.title.toLowerCase().indexOf(query) >= 0; });
    found.forEach(function (e) { results.appendChild(item(e)); });
    count.textContent = "标题含“" + input.value.trim() + "”的节目共 " + found.length + " 期。";
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); show(); });
  input.addEventListener("input", show);
})();

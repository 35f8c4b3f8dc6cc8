// The rules page, live: each slider shows its value, and a moment after any change the
// page says what the choices would change (pairs, people, parts of the fit). It asks
// the server (POST .../rules/preview, which stores nothing); without this script the
// "Count what changes" button shows the same count.
"use strict";
(function () {
  const form = document.querySelector("form[data-preview]");
  const out = document.getElementById("live");
  if (!form || !out) return;
  let timer = null;
  let asked = 0;
  function count() {
    const mine = ++asked;  // only the latest answer is shown
    out.textContent = "Counting what changes…";
    fetch(form.dataset.preview, {method: "POST", body: new FormData(form),
                                 headers: {"X-Rmatch-Live": "1"}, credentials: "same-origin"})
      .then((answer) => answer.ok ? answer.json() : Promise.reject(answer.status))
      .then((body) => { if (mine === asked) out.textContent = body.text; })
      .catch(() => { if (mine === asked) out.textContent = "The count is not available now."; });
  }
  form.addEventListener("input", (event) => {
    const field = event.target;
    if (field.type === "range") {
      const shown = form.querySelector("output[for='" + field.id + "']");
      if (shown) shown.value = field.value;
    }
    clearTimeout(timer);
    timer = setTimeout(count, 400);
  });
})();

// Street autocomplete for the address boxes: progressive enhancement, the forms work without it.
// An <input data-street-autocomplete="/api/streets/" list="…"> gets the streets matching what is typed
// (from three letters on, until a house number is typed) as the options of its <datalist>. Answers that
// come back after a newer question are dropped, so a slow answer never replaces a fresh one.
(function () {
  "use strict";
  function attach(input) {
    const list = document.getElementById(input.getAttribute("list"));
    const url = input.dataset.streetAutocomplete;
    if (!list || !url) return;
    let timer, asked = 0, controller = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 3 || /\d/.test(q)) return;
      timer = setTimeout(async function () {
        const question = ++asked;
        if (controller) controller.abort();
        controller = new AbortController();
        let data;
        try {
          const r = await fetch(url + "?limit=8&q=" + encodeURIComponent(q), {
            headers: { Accept: "application/json" },
            signal: controller.signal,
          });
          if (!r.ok) return;
          data = await r.json();
        } catch (e) {
          return; // aborted by a newer question, or offline: keep what is shown
        }
        if (question !== asked) return;
        list.replaceChildren(
          ...data.results.map(function (s) {
            const o = document.createElement("option");
            o.value = s.name + ", " + s.postcode + " " + s.municipality.name;
            return o;
          })
        );
      }, 150);
    });
  }
  document.querySelectorAll("input[data-street-autocomplete]").forEach(attach);
})();

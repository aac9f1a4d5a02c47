// Drachma's behaviour on every page, loaded by base.html as an ES module (deferred, and no
// inline script anywhere, so a Content-Security-Policy may forbid inline scripts):
//   - GOV.UK Frontend's and MOJ Frontend's components (initAll of both; the MOJ filter panel);
//   - accessible autocomplete on <select data-module="autocomplete"> (one choice or several),
//     and <select data-narrowed-by="id_borough"> narrowing its options by another field;
//   - printing: every <details> open, and the time printed in the print header.
// Without JavaScript every page works as plain HTML: selects stay selects, filters stay open.

const script = document.querySelector("script[data-drachma-frontend]");

// What GOV.UK Frontend's template does with an inline script: the page may use JavaScript
// components (a browser running this module supports ES modules).
document.body.classList.add("js-enabled", "govuk-frontend-supported");

const [govuk, moj] = await Promise.all([
  import(script.dataset.govukFrontend),
  import(script.dataset.mojFrontend),
]);

function initialise(scope) {
  govuk.initAll({ scope });
  moj.initAll({ scope });
  for (const filter of scope.querySelectorAll('.moj-filter-layout [data-module="moj-filter"]')) {
    if (filter.hasAttribute("data-moj-filter-init")) continue;
    const layout = filter.closest(".moj-filter-layout");
    new moj.FilterToggleButton(filter, {
      // Shown beside the results on a wide screen, folded away on a phone (by its own check).
      startHidden: false,
      toggleButtonContainer: { element: layout.querySelector(".moj-action-bar__filter") },
      closeButtonContainer: { element: filter.querySelector(".moj-filter__header-action") },
    });
  }
  enhanceSelects(scope);
}

// --- narrowing: a select's options follow another field (wards by the chosen borough) -------

// Each option carries data-<key> (data-borough="E08000005"); the select names the field that
// narrows it (data-narrowed-by, an element id) and the key (data-narrowed-key). An option
// without the attribute (the empty choice) is always offered.
function narrowing(select) {
  const by = document.getElementById(select.dataset.narrowedBy);
  if (!by) return null;
  const key = select.dataset.narrowedKey;
  const all = [...select.options].map((option) => ({
    value: option.value,
    text: option.textContent,
    group: key ? option.dataset[key] : undefined,
  }));
  return {
    by,
    all,
    allowed() {
      const chosen = by.value;
      return all.filter((o) => !chosen || o.group === undefined || o.group === chosen);
    },
  };
}

function refillOptions(select, options) {
  const value = select.value;
  select.replaceChildren(
    ...options.map((o) => {
      const option = new Option(o.text, o.value);
      return option;
    }),
  );
  select.value = options.some((o) => o.value === value) ? value : "";
}

// --- accessible autocomplete ---------------------------------------------------------------

const statusFor = new WeakMap();

function announce(select, text) {
  let status = statusFor.get(select);
  if (!status) {
    status = document.createElement("div");
    status.className = "govuk-visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    select.after(status);
    statusFor.set(select, status);
  }
  status.textContent = text;
}

// The input that replaces a select keeps the field's hint and error in its aria-describedby
// (the library sets and removes the attribute for its own hint as you type).
function keepDescribedBy(input, ids) {
  if (!input || !ids) return;
  const ensure = () => {
    const current = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    const wanted = [...new Set([...ids.split(/\s+/), ...current])];
    if (wanted.join(" ") !== current.join(" ")) input.setAttribute("aria-describedby", wanted.join(" "));
  };
  new MutationObserver(ensure).observe(input, {
    attributes: true,
    attributeFilter: ["aria-describedby"],
  });
  ensure();
}

// The options every autocomplete shares: the field's error state shows on its input too.
function commonOptions(select) {
  return {
    showAllValues: true,
    inputClasses: select.getAttribute("aria-invalid") === "true" ? "govuk-input--error" : null,
  };
}

function choose(select, value) {
  if (select.value === value) return;
  select.value = value;
  select.dispatchEvent(new Event("change", { bubbles: true }));
}

// One choice: the select is replaced by a text input that suggests its options as you type.
function enhanceSingle(select, narrow) {
  const id = select.id;
  const describedBy = select.getAttribute("aria-describedby");
  const options = () => (narrow ? narrow.allowed() : narrowAll(select)).filter((o) => o.value);
  const build = () => {
    window.accessibleAutocomplete.enhanceSelectElement({
      ...commonOptions(select),
      selectElement: select,
      defaultValue: "",
      source(query, populate) {
        const q = query.trim().toLowerCase();
        populate(options().filter((o) => o.text.toLowerCase().includes(q)).map((o) => o.text));
      },
      onConfirm(text) {
        if (text === undefined) {
          // Leaving the box empty clears the choice (the library would keep the old one).
          const input = document.getElementById(id);
          if (input && !input.value.trim()) choose(select, "");
          return;
        }
        const option = options().find((o) => o.text === text);
        if (option) choose(select, option.value);
      },
    });
    keepDescribedBy(document.getElementById(id), describedBy);
  };
  build();
  if (narrow) {
    narrow.by.addEventListener("change", () => {
      if (options().some((o) => o.value === select.value)) return;
      // The choice is not in the new narrowing: start again with an empty box.
      choose(select, "");
      select.previousElementSibling.remove();
      select.id = id;
      build();
    });
  }
}

function narrowAll(select) {
  return [...select.options].map((o) => ({ value: o.value, text: o.textContent }));
}

// Several choices: an autocomplete box adds a choice, a list shows the chosen ones, each with a
// button that removes it. The (hidden) multiple select is still what the form sends.
function enhanceMultiple(select) {
  const id = select.id;
  const describedBy = select.getAttribute("aria-describedby");
  const wrapper = document.createElement("div");
  const chosen = document.createElement("ul");
  chosen.className = "drachma-chosen";
  select.id = `${id}-select`;
  select.hidden = true;
  select.after(wrapper);
  let holder = null;

  const render = () => {
    chosen.replaceChildren(
      ...[...select.selectedOptions].map((option) => {
        const item = document.createElement("li");
        item.className = "drachma-chosen__item";
        const label = document.createElement("span");
        label.textContent = option.textContent;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0";
        remove.innerHTML = 'Remove<span class="govuk-visually-hidden"></span>';
        remove.querySelector("span").textContent = ` ${option.textContent}`;
        remove.addEventListener("click", () => {
          option.selected = false;
          select.dispatchEvent(new Event("change", { bubbles: true }));
          render();
          announce(select, `${option.textContent} removed.`);
          document.getElementById(id).focus();
        });
        item.append(label, remove);
        return item;
      }),
    );
  };

  // A fresh box after each choice, so that it is empty and ready for the next.
  const build = (focus) => {
    holder?.remove();
    holder = document.createElement("div");
    wrapper.prepend(holder);
    window.accessibleAutocomplete({
      ...commonOptions(select),
      element: holder,
      id,
      name: "",
      confirmOnBlur: false,
      source(query, populate) {
        const q = query.trim().toLowerCase();
        populate(
          [...select.options]
            .filter((o) => o.value && !o.selected && o.textContent.toLowerCase().includes(q))
            .map((o) => o.textContent),
        );
      },
      onConfirm(text) {
        const option = [...select.options].find((o) => o.textContent === text);
        if (!option) return;
        option.selected = true;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        render();
        announce(select, `${text} added.`);
        setTimeout(() => build(true));
      },
    });
    keepDescribedBy(document.getElementById(id), describedBy);
    if (focus) document.getElementById(id).focus();
  };

  wrapper.append(chosen);
  build(false);
  render();
}

function enhanceSelects(scope) {
  const selects = [...scope.querySelectorAll("select[data-narrowed-by], select[data-module='autocomplete']")];
  // Read every narrowing before any select is enhanced (enhancing moves the select's id).
  const narrows = new Map(selects.map((s) => [s, s.dataset.narrowedBy ? narrowing(s) : null]));
  for (const select of selects) {
    if (select.dataset.drachmaEnhanced) continue;
    select.dataset.drachmaEnhanced = "true";
    const narrow = narrows.get(select);
    const autocomplete = select.dataset.module === "autocomplete" && window.accessibleAutocomplete;
    if (narrow && !autocomplete) {
      refillOptions(select, narrow.allowed());
      narrow.by.addEventListener("change", () => refillOptions(select, narrow.allowed()));
    }
    if (!autocomplete) continue;
    if (select.multiple) enhanceMultiple(select);
    else enhanceSingle(select, narrow);
  }
}

// --- printing ------------------------------------------------------------------------------

const printedAt = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

function nowInWords() {
  const part = Object.fromEntries(printedAt.formatToParts(new Date()).map((p) => [p.type, p.value]));
  return `${part.day} ${part.month} ${part.year}, ${part.hour}:${part.minute}`;
}

let openedForPrint = [];
window.addEventListener("beforeprint", () => {
  openedForPrint = [...document.querySelectorAll("details:not([open])")];
  for (const details of openedForPrint) details.open = true;
  for (const time of document.querySelectorAll("[data-printed-at]")) time.textContent = nowInWords();
});
window.addEventListener("afterprint", () => {
  for (const details of openedForPrint) details.open = false;
  openedForPrint = [];
});

// --- pages and fragments -------------------------------------------------------------------

initialise(document);
// Every component is ready (autocompletes have replaced their selects): what a test waits for
// before typing, since "govuk-frontend-supported" is set before the modules have loaded.
document.body.dataset.drachmaReady = "true";
// Content htmx swaps in gets the same components.
document.body.addEventListener("htmx:afterSettle", (event) => initialise(event.detail.elt));

// @ts-check
// Suggestions for the cast field: the catalogue has tens of thousands of names, so the page asks the API for the
// names matching the part being typed (GET /v1/facets/cast), counted under the other filters of the form.
import { searchCastNames } from './api.js';
import { element, formatCount } from './dom.js';
import { input } from './form.js';
import { splitNames } from './names.js';

/** As the search box: one request per burst of typing. */
const DEBOUNCE_MS = 150;
const SUGGESTIONS = 8;
/** The other filters the counts are taken under; the cast field's own names are left out, as the API does. */
const FILTERS = /** @type {const} */ (['title', 'year', 'genre']);

const list = element('cast-suggestions', HTMLUListElement);

/**
 * Watches the cast field: after a pause in typing, the names matching the part after the last comma are listed;
 * choosing one completes that part and searches, through `apply`.
 * @param {(options?: { commit?: boolean }) => void} apply
 */
export function suggestCastNames(apply) {
  const cast = input('cast');
  let timer = /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined);
  let inFlight = /** @type {AbortController | undefined} */ (undefined);
  const close = () => {
    inFlight?.abort();
    list.replaceChildren();
    list.hidden = true;
  };
  cast.addEventListener('input', () => {
    clearTimeout(timer);
    const typed = cast.value.slice(cast.value.lastIndexOf(',') + 1).trim();
    if (typed === '') return close();
    timer = setTimeout(() => void show(typed), DEBOUNCE_MS);
  });
  cast.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });

  /** @param {string} typed */
  async function show(typed) {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    const parameters = new URLSearchParams({ q: typed, limit: String(SUGGESTIONS) });
    for (const name of FILTERS) {
      const value = input(name).value.trim();
      if (name === 'genre') for (const genre of splitNames(value)) parameters.append('genre', genre);
      else if (value !== '') parameters.set(name, value);
    }
    const answer = await searchCastNames(parameters.toString(), controller.signal);
    // A newer keystroke took over, or the filters are not ones the API takes yet (a half-typed year): no list.
    if (answer === null || answer.body === undefined) return;
    list.replaceChildren(
      ...answer.body.items.map(({ value, count }) => {
        const item = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'suggestion';
        button.append(String(value), ' ');
        const small = document.createElement('small');
        small.textContent = formatCount(count);
        button.append(small);
        button.addEventListener('click', () => {
          // The names before the last comma stay; the one being typed becomes the chosen name.
          const before = splitNames(cast.value.slice(0, cast.value.lastIndexOf(',') + 1));
          cast.value = [...before, String(value)].join(', ');
          close();
          apply({ commit: true });
        });
        item.append(button);
        return item;
      }),
    );
    list.hidden = answer.body.items.length === 0;
  }
}

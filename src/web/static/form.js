// @ts-check
// The search form: what a person typed and chose, when an edit applies, and showing a search in the form.
import { element } from './dom.js';
import { FIELDS, effectiveSort, searchOf } from './search-params.js';

/** @typedef {import('./search-params.js').Search} Search */

/** The fields behind "More filters": the disclosure opens by itself when a link sets one. */
const ADVANCED = /** @type {const} */ (['title', 'year', 'cast', 'genre']);
/**
 * Fields that answer while typing. The others hold whole values (a year, a full name) that match
 * nothing, or are refused, while half typed; they apply when the field is left or Enter is pressed.
 */
const LIVE = new Set(['q', 'title']);
/** Long enough that a typist's burst makes one request, short enough to feel immediate. */
const DEBOUNCE_MS = 150;

const form = element('search', HTMLFormElement);
const sortControl = element('sort', HTMLSelectElement);
const advanced = element('advanced', HTMLDetailsElement);

/** The sort a person chose; '' lets the page pick. */
let chosenSort = '';
/** An edit waiting to apply: the end of a burst of typing, or a field just left. */
let pendingEdit = /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined);

/**
 * A field of the form by its name.
 * @param {import('./search-params.js').Field} name
 */
export function input(name) {
  const found = form.elements.namedItem(name);
  if (!(found instanceof HTMLInputElement)) throw new TypeError(`the search form has no input named "${name}"`);
  return found;
}

/** @returns {Search} */
export function readForm() {
  return searchOf((field) => input(field).value.trim(), chosenSort);
}

/**
 * Puts a search in the form, as the URL gave it.
 * @param {Search} search
 */
export function fillForm(search) {
  for (const field of FIELDS) input(field).value = search[field];
  chosenSort = search.sort;
  if (ADVANCED.some((field) => search[field])) advanced.open = true;
  showSort(search);
}

/**
 * Best match is offered only with words to rank by; the control always shows the order the list is in.
 * @param {Search} search
 */
export function showSort(search) {
  const relevance = sortControl.querySelector('option[value="relevance"]');
  if (!(relevance instanceof HTMLOptionElement)) throw new TypeError('the sort control has no "relevance" option');
  relevance.hidden = !search.q;
  relevance.disabled = !search.q;
  sortControl.value = effectiveSort(search);
}

/** Drops an edit still waiting to apply: what it would apply is being applied now, or replaced by the URL. */
export function cancelPendingEdit() {
  clearTimeout(pendingEdit);
}

/**
 * Calls `apply` as the form is edited: a moment after typing stops in a field that answers while typing, when
 * another field is left, and at once on Enter (`commit`).
 * @param {(options?: { commit?: boolean }) => void} apply
 */
export function watchForm(apply) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply({ commit: true });
  });
  form.addEventListener('input', (event) => {
    if (!(event.target instanceof HTMLInputElement) || !LIVE.has(event.target.name)) return;
    cancelPendingEdit();
    pendingEdit = setTimeout(apply, DEBOUNCE_MS);
  });
  form.addEventListener('change', (event) => {
    if (event.target === sortControl) chosenSort = sortControl.value;
    else if (!(event.target instanceof HTMLInputElement) || LIVE.has(event.target.name)) return;
    // A turn later: Enter fires this and then submit, which cancels it and searches once, as a history step.
    cancelPendingEdit();
    pendingEdit = setTimeout(apply, 0);
  });
}

// @ts-check
// Facet chips: the genres and decades of a search's matches with their counts, pressed to narrow the search.
import { element, formatCount } from './dom.js';
import { input } from './form.js';
import { sameName, splitNames } from './names.js';

/** @typedef {import('./api.js').Facets} Facets */
/** @typedef {import('./search-params.js').Search} Search */
/** @typedef {{ value: string, label: string, count: number | null, pressed: boolean }} Chip */

const panel = element('facets', HTMLElement);
const genreChips = element('genre-chips', HTMLElement);
const decadeChips = element('decade-chips', HTMLElement);

/**
 * Genre and decade chips with their counts. A facet's counts ignore its own filter, so a chip's count
 * is what choosing it alone gives: a genre chip therefore replaces the chosen genres instead of adding
 * one (the API would AND them, and the counts would no longer say what a click gives). A chosen value
 * is always shown, pressed, even when it is not among the values the API listed.
 * @param {Facets} facets
 * @param {Search} search
 */
export function showFacets(facets, search) {
  const genres = splitNames(search.genre);
  /** @type {{ value: string, count: number | null }[]} */
  const genreValues = (facets.genre ?? []).map(({ value, count }) => ({ value: String(value), count }));
  for (const name of genres) if (!genreValues.some((v) => sameName(v.value, name))) genreValues.unshift({ value: name, count: null });
  fillChips(
    genreChips,
    'genre',
    genreValues.map(({ value, count }) => ({ value, label: value, count, pressed: genres.some((name) => sameName(name, value)) })),
  );

  const chosen = chosenDecade(search);
  /** @type {{ value: number, count: number | null }[]} */
  const decadeValues = (facets.decade ?? []).map(({ value, count }) => ({ value: Number(value), count }));
  if (chosen !== null && !decadeValues.some((v) => v.value === chosen)) decadeValues.push({ value: chosen, count: null });
  decadeValues.sort((a, b) => a.value - b.value);
  fillChips(
    decadeChips,
    'decade',
    decadeValues.map(({ value, count }) => ({ value: String(value), label: `${value}s`, count, pressed: value === chosen })),
  );
  panel.hidden = genreValues.length === 0 && decadeValues.length === 0;
}

export function hideFacets() {
  panel.hidden = true;
}

/**
 * Pressing a chip sets or clears its filter in the form; `apply` then applies the form.
 * @param {() => void} apply
 */
export function onChipPress(apply) {
  panel.addEventListener('click', (event) => {
    const chip = event.target instanceof Element ? event.target.closest('button.chip') : null;
    if (!(chip instanceof HTMLElement)) return;
    toggleChip(chip);
    apply();
  });
}

/**
 * The decade the year range covers exactly (1990–1999), or null.
 * @param {Search} search
 */
function chosenDecade(search) {
  const from = Number(search.year_from);
  if (!/^\d{4}$/.test(search.year_from) || from % 10 !== 0 || search.year_to !== String(from + 9)) return null;
  return from;
}

/**
 * @param {HTMLElement} container
 * @param {'genre' | 'decade'} facet
 * @param {Chip[]} chips
 */
function fillChips(container, facet, chips) {
  // Redrawing would drop the focus of a keyboard user who just pressed a chip: it moves to the new one.
  const active = document.activeElement;
  const focused = active instanceof HTMLElement && container.contains(active) ? active.dataset.value : null;
  container.replaceChildren();
  for (const chip of chips) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'chip';
    button.dataset.facet = facet;
    button.dataset.value = chip.value;
    button.setAttribute('aria-pressed', String(chip.pressed));
    const label = document.createElement('span');
    label.textContent = chip.label;
    button.append(label);
    if (chip.count !== null) {
      const count = document.createElement('span');
      count.className = 'count';
      count.textContent = formatCount(chip.count);
      button.append(' ', count);
    }
    if (chip.pressed) {
      const remove = document.createElement('span');
      remove.className = 'remove';
      remove.setAttribute('aria-hidden', 'true');
      remove.textContent = '×';
      button.append(' ', remove);
      button.title = 'Remove this filter';
    }
    container.append(button);
    if (chip.value === focused) button.focus();
  }
  container.closest('.facet')?.toggleAttribute('hidden', chips.length === 0);
}

/** @param {HTMLElement} button */
function toggleChip(button) {
  const { facet, value } = button.dataset;
  const pressed = button.getAttribute('aria-pressed') === 'true';
  if (facet === 'genre' && value) {
    const genre = input('genre');
    genre.value = pressed
      ? splitNames(genre.value)
          .filter((name) => !sameName(name, value))
          .join(', ')
      : value;
  } else if (facet === 'decade' && value) {
    const from = Number(value);
    input('year_from').value = pressed ? '' : String(from);
    input('year_to').value = pressed ? '' : String(from + 9);
    // The decade counts ignore the exact year too, so the exact year goes: the count is then what the click gives.
    if (!pressed) input('year').value = '';
  }
}

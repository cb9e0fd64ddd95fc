// @ts-check
// What every part of the page needs to find its elements and put text on the page. Data is always put on the page
// as text (textContent, text nodes), never parsed as HTML: titles and names come from providers.

/**
 * The element of index.html with this id, checked to be of the expected kind: the markup is fixed, so a
 * missing or changed element stops the page at once, with its name, instead of failing later.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T }} kind
 * @returns {T}
 */
export function element(id, kind) {
  const found = document.getElementById(id);
  if (!(found instanceof kind)) throw new TypeError(`index.html has no ${kind.name} with id "${id}"`);
  return found;
}

/**
 * A table cell holding `content`.
 * @param {string | Node} content
 * @param {string} [className]
 */
export function cell(content, className) {
  const td = document.createElement('td');
  if (className) td.className = className;
  td.append(content);
  return td;
}

/**
 * Shows `text` in an error line, or hides the line when there is none.
 * @param {HTMLElement} line
 * @param {string} text
 */
export function showError(line, text) {
  line.textContent = text;
  line.hidden = !text;
}

const numbers = new Intl.NumberFormat('en');

/** @param {number} count */
export function formatCount(count) {
  return numbers.format(count);
}

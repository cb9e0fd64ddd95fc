// @ts-check
// The cinedex search page: plain ES modules, no build step, talking only to the public API. This module connects
// the parts; each of the others is one part of the page (see their first lines).
import { suggestCastNames } from './cast-suggestions.js';
import { onClose, shownMovie } from './details.js';
import { onChipPress } from './facets.js';
import { watchForm } from './form.js';
import { applyForm, closeMovie, openMovie, render } from './navigation.js';
import { focusRow, onMore, onRowOpen } from './results.js';
import { loadMore } from './search.js';

watchForm(applyForm);
suggestCastNames(applyForm);
onChipPress(applyForm);
onMore(() => void loadMore());
onRowOpen(openMovie);
onClose(() => {
  const id = shownMovie();
  closeMovie();
  focusRow(id);
});
window.addEventListener('popstate', () => render());
render();

/**
 * Words the extract tier ignores (extract-tier.ts): the function words of English, which every plot
 * summary has and which tell one film from another only by accident. Title and cast matching keep
 * them (`the thing`, `it`, `them!` are titles). Folded as the index folds words (catalogue/words.ts),
 * so `don't` is the two words `don` and `t`, and both single letters are here.
 */
const WORDS = `
a about above after again against all also am an and any are as at be because been before being below between both but by
can could d did do does doing don down during each few for from further had has have having he her here hers herself him
himself his how i if in into is it its itself just ll m me more most my myself no nor not now o of off on once only or other
our ours ourselves out over own re s same she should so some such t than that the their theirs them themselves then there
these they this those through to too under until up ve very was we were what when where which while who whom why will with
would you your yours yourself yourselves
`;

export const STOP_WORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter((w) => w !== ''));

/** Every single letter counts as a stop word too: the tail of `don't`, an initial, a bullet. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word) || [...word].length === 1;
}

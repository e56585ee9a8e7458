/**
 * "Did you mean …?" for identifiers typed by people: a service type with a
 * typo gets the few nearest ids instead of the whole catalog. Generic over
 * the candidate list; pure.
 *
 * Distance is the optimal-string-alignment variant of Damerau–Levenshtein:
 * a swapped pair of neighbouring letters ("audti") is one edit, the commonest
 * typing slip, where plain Levenshtein counts two.
 */

export interface NearestOptions {
  /** Most suggestions returned. @default 3 */
  max?: number;
  /**
   * Largest edit distance, relative to the longer of the two strings, still
   * offered as a suggestion. 0.4 lets through a typo or two in a short id and
   * a missing word in a long one, but not an unrelated id of similar length.
   * @default 0.4
   */
  maxRatio?: number;
  /**
   * Also offer a candidate that contains the whole input (at least 3
   * characters: "audit" in "energy-audit"), after the near misses.
   * @default true
   */
  substrings?: boolean;
}

export interface Suggestion<T extends string> {
  candidate: T;
  /** Edit distance between the normalised input and candidate. */
  distance: number;
}

/** Optimal string alignment distance (insertions, deletions, substitutions, adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  // Three rolling rows: the transposition step looks two rows back.
  let prev2 = new Array<number>(t.length + 1).fill(0);
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  let cur = new Array<number>(t.length + 1).fill(0);
  for (let i = 1; i <= s.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[t.length]!;
}

const normalise = (s: string) => s.normalize('NFKC').trim().toLowerCase();

/**
 * The candidates nearest to the input, closest first (ties keep the
 * candidates' order), with their distances.
 */
export function nearestWithDistance<T extends string>(
  input: string,
  candidates: readonly T[],
  { max = 3, maxRatio = 0.4, substrings = true }: NearestOptions = {},
): Suggestion<T>[] {
  const needle = normalise(input);
  if (needle.length === 0 || max <= 0) return [];
  const found: Suggestion<T>[] = [];
  for (const candidate of candidates) {
    const hay = normalise(candidate);
    const distance = editDistance(needle, hay);
    const close = distance <= maxRatio * Math.max([...needle].length, [...hay].length);
    if (close || (substrings && needle.length >= 3 && hay.includes(needle))) found.push({ candidate, distance });
  }
  // Array.prototype.sort is stable, so equal distances keep the candidates' order.
  return found.sort((x, y) => x.distance - y.distance).slice(0, max);
}

/** The candidates nearest to the input, closest first; empty when none is near enough. */
export function nearest<T extends string>(input: string, candidates: readonly T[], options?: NearestOptions): T[] {
  return nearestWithDistance(input, candidates, options).map((s) => s.candidate);
}

/** `did you mean "a", "b" or "c"?` for an error message; empty when there is nothing to suggest. */
export function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return '';
  const quoted = suggestions.map((s) => JSON.stringify(s));
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
  return `did you mean ${list}?`;
}

/**
 * Damerau–Levenshtein distance (insertions, deletions, substitutions and transpositions of adjacent
 * characters, each costing 1; the unrestricted form of Lowrance and Wagner, 1975, so a transposed pair may
 * also be edited further). `m5.larg` → `m5.large` is 1, `m5.lareg` → `m5.large` is 1.
 */
export function damerauLevenshtein(a: string, b: string): number {
  const infinity = a.length + b.length;
  const width = b.length + 2;
  // d[(i + 1) * width + (j + 1)] is the distance between a[0..i) and b[0..j); row and column 0 hold infinity.
  const d = new Array<number>((a.length + 2) * width).fill(0);
  const at = (i: number, j: number) => (i + 1) * width + (j + 1);
  d[at(-1, -1)] = infinity;
  for (let i = 0; i <= a.length; i++) {
    d[at(i, -1)] = infinity;
    d[at(i, 0)] = i;
  }
  for (let j = 0; j <= b.length; j++) {
    d[at(-1, j)] = infinity;
    d[at(0, j)] = j;
  }
  const lastRowOf = new Map<string, number>();
  for (let i = 1; i <= a.length; i++) {
    let lastMatchColumn = 0;
    for (let j = 1; j <= b.length; j++) {
      const k = lastRowOf.get(b[j - 1] ?? '') ?? 0;
      const l = lastMatchColumn;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      if (cost === 0) lastMatchColumn = j;
      d[at(i, j)] = Math.min(
        (d[at(i - 1, j - 1)] ?? infinity) + cost,
        (d[at(i, j - 1)] ?? infinity) + 1,
        (d[at(i - 1, j)] ?? infinity) + 1,
        (d[at(k - 1, l - 1)] ?? infinity) + (i - k - 1) + 1 + (j - l - 1),
      );
    }
    lastRowOf.set(a[i - 1] ?? '', i);
  }
  return d[at(a.length, b.length)] ?? infinity;
}

/**
 * The candidates closest to a mistyped word by Damerau–Levenshtein distance, nearest first (ties in
 * alphabetical order), at most `limit` of them and only those within a third of the word's length (at least 2
 * edits), so an unrelated word gets no suggestion.
 */
export function closestMatches(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const needle = word.toLowerCase();
  const maxDistance = Math.max(2, Math.floor(needle.length / 3));
  const scored: { name: string; distance: number }[] = [];
  for (const name of candidates) {
    const distance = damerauLevenshtein(needle, name.toLowerCase());
    if (distance <= maxDistance) scored.push({ name, distance });
  }
  scored.sort((x, y) => x.distance - y.distance || x.name.localeCompare(y.name));
  return scored.slice(0, limit).map((s) => s.name);
}

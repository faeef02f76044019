// Rows of the alignment table, kept between calls: a long message compares hundreds of words with the
// vocabulary, and three new arrays per comparison cost more than the comparison.
let rows = [new Int32Array(32), new Int32Array(32), new Int32Array(32)];

/**
 * The letters a word contains, one bit each (other characters share the high bits). One edit changes at
 * most two of them, so two words whose letters differ in more than twice the limit are never closer.
 */
function letterSet(word: string): number {
  let set = 0;
  for (let index = 0; index < word.length; index += 1) set |= 1 << (word.charCodeAt(index) % 31);
  return set;
}

function bitCount(value: number): number {
  let count = 0;
  for (let rest = value; rest !== 0; rest &= rest - 1) count += 1;
  return count;
}

/**
 * Optimal string alignment distance (Levenshtein plus swapped neighbours, "certifcat"/"certificat",
 * "imozit"/"impozit"), giving up as soon as it must exceed `limit`. Returns limit + 1 when it does.
 */
export function boundedEditDistance(left: string, right: string, limit: number): number {
  if (Math.abs(left.length - right.length) > limit) return limit + 1;
  if (left === right) return 0;
  if (bitCount(letterSet(left) ^ letterSet(right)) > 2 * limit) return limit + 1;
  const width = right.length + 1;
  if (rows[0]!.length < width) rows = [new Int32Array(width * 2), new Int32Array(width * 2), new Int32Array(width * 2)];
  let [beforePrevious, previous, current] = rows as [Int32Array, Int32Array, Int32Array];
  for (let column = 0; column < width; column += 1) previous[column] = column;
  for (let row = 1; row <= left.length; row += 1) {
    current[0] = row;
    let rowMinimum = row;
    const letter = left.charCodeAt(row - 1);
    for (let column = 1; column <= right.length; column += 1) {
      const cost = letter === right.charCodeAt(column - 1) ? 0 : 1;
      let value = Math.min(previous[column]! + 1, current[column - 1]! + 1, previous[column - 1]! + cost);
      if (row > 1 && column > 1 && letter === right.charCodeAt(column - 2) && left.charCodeAt(row - 2) === right.charCodeAt(column - 1)) {
        value = Math.min(value, beforePrevious[column - 2]! + 1);
      }
      current[column] = value;
      if (value < rowMinimum) rowMinimum = value;
    }
    if (rowMinimum > limit) return limit + 1;
    [beforePrevious, previous, current] = [previous, current, beforePrevious];
  }
  return Math.min(previous[right.length]!, limit + 1);
}

/** How many typos a word of this length may carry and still be recognised. */
export function typoAllowance(length: number): number {
  if (length >= 8) return 2;
  if (length >= 4) return 1;
  return 0;
}

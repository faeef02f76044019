/**
 * Shuffles `order` in place (Fisher–Yates) with a linear congruential generator started from `seed`, and returns
 * the generator's state to start the next shuffle from: the classifiers learnt from the example questions see
 * them in a fixed order, so the same examples always give the same answers.
 */
export function shuffleWithSeed(order: Int32Array, seed: number): number {
  let state = seed;
  for (let index = order.length - 1; index > 0; index -= 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const other = state % (index + 1);
    const swapped = order[index]!;
    order[index] = order[other]!;
    order[other] = swapped;
  }
  return state;
}

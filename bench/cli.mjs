// What the benchmarks here share: reading their command line, and summing up times.

const args = process.argv.slice(2);

/** The value given after `name` on the command line (`--sizes 0,1000`), or `dflt`. */
export const option = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};

/** Whether `name` is on the command line. */
export const flag = (name) => args.includes(name);

/** The `q` quantile of `xs` (0 to 1): the value at floor(q n) once sorted. */
export const quantile = (xs, q) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

export const median = (xs) => quantile(xs, 0.5);

/** Median, 90th percentile and maximum. */
export const summary = (xs) => ({ median: quantile(xs, 0.5), p90: quantile(xs, 0.9), max: Math.max(...xs) });

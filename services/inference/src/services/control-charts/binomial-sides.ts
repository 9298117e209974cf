/**
 * How likely a binomial(n, p) count lands strictly above and strictly below its mean n * p:
 * what the run rule needs to calibrate a defect share's chart (see ewma-chart.ts).
 */
export function binomialSides(n: number, p: number): { above: number; below: number } {
  if (p <= 0) return { above: 0, below: 0 };
  if (p >= 1) return { above: 0, below: 0 };
  const mean = n * p;
  let above = 0;
  let below = 0;
  // pmf(k) in log space: ln C(n, k) + k ln p + (n - k) ln(1 - p), C built up term by term.
  let logChoose = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log(n - k + 1) - Math.log(k);
    const pmf = Math.exp(logChoose + k * Math.log(p) + (n - k) * Math.log(1 - p));
    if (k > mean) above += pmf;
    else if (k < mean) below += pmf;
  }
  return { above, below };
}

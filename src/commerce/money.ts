/** Currencies Stripe charges in whole units (no minor unit). */
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
/** Currencies with three decimals (Stripe wants the last digit 0, which whole-cent prices give). */
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/**
 * A book's price (major units, as written in book.yaml: `299 TWD`, `12 USD`)
 * in the smallest unit Stripe expects in `unit_amount`.
 */
export function toMinorUnits(amount: number, currency: string): number {
  const code = currency.toUpperCase();
  const decimals = ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
  return Math.round(amount * 10 ** decimals);
}

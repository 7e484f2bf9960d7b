/** Numbers as a reader of the page's language expects them. */

/**
 * A price in the page's language, whole amounts without decimals. Where that
 * language writes the currency as a bare "$" (zh-Hant does for TWD) the
 * English symbol is used instead (NT$), so a reader never mistakes it for US dollars.
 */
export function formatPrice(price: { amount: number; currency: string }, language: string): string {
  const options = { style: 'currency', currency: price.currency, trailingZeroDisplay: 'stripIfInteger' } as Intl.NumberFormatOptions;
  const parts = new Intl.NumberFormat(language, options).formatToParts(price.amount);
  const symbol = parts.find((p) => p.type === 'currency')?.value;
  if (symbol !== '$' || price.currency === 'USD') return parts.map((p) => p.value).join('');
  const english = new Intl.NumberFormat('en', options).formatToParts(price.amount).find((p) => p.type === 'currency')!.value;
  return parts.map((p) => (p.type === 'currency' ? english : p.value)).join('');
}

export function formatBytes(bytes: number, language: string): string {
  const [unit, value] = bytes >= 1024 * 1024 ? (['megabyte', bytes / 1024 / 1024] as const) : (['kilobyte', Math.max(1, bytes / 1024)] as const);
  return new Intl.NumberFormat(language, { style: 'unit', unit, maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
}

export function formatDate(isoDay: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${isoDay.slice(0, 10)}T00:00:00Z`));
}

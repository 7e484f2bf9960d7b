/** Numbers as a reader of the page's language expects them. */

export function formatPrice(price: { amount: number; currency: string }, language: string): string {
  return new Intl.NumberFormat(language, { style: 'currency', currency: price.currency }).format(price.amount);
}

export function formatBytes(bytes: number, language: string): string {
  const [unit, value] = bytes >= 1024 * 1024 ? (['megabyte', bytes / 1024 / 1024] as const) : (['kilobyte', Math.max(1, bytes / 1024)] as const);
  return new Intl.NumberFormat(language, { style: 'unit', unit, maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
}

export function formatDate(isoDay: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${isoDay.slice(0, 10)}T00:00:00Z`));
}

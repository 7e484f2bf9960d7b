import { z } from 'zod';
import { articleImagesSchema, consentPolicySchema, contributorSchema, unlistedImageContributors } from './contributors.ts';
import { LANGUAGE_TAG } from '../language/index.ts';
import { tdmSchema } from '../tdm.ts';

/** A calendar date; a full ISO timestamp (as CMS exports write) is cut to its date. */
const isoDate = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v.trim()))
  .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/, 'expected a date as YYYY-MM-DD'))
  .transform((v) => v.slice(0, 10))
  .refine(isCalendarDate, 'expected a calendar date: that day does not exist');

/** Whether YYYY-MM-DD names a day that exists (not 2025-13-45, 2025-02-30), in years 100–9999. */
function isCalendarDate(day: string): boolean {
  const [year, month, date] = day.split('-').map(Number);
  const utc = new Date(Date.UTC(year, month - 1, date));
  return year >= 100 && utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === date;
}

/** A character a reader can see: not white space, a control or format character (U+200B, U+00AD) or an unassigned one (U+FFFF). */
const VISIBLE = /[^\s\p{Cc}\p{Cf}\p{Cs}\p{Cn}]/u;

/**
 * Text that must be there (a title, an author, a tag): with something
 * visible in it. A blank title passed `min(1)`, then left the EPUB an empty
 * `dc:title` that EPUBCheck refuses and the PDF's contents a line-less entry.
 */
export const textSchema = z.string().refine((v) => VISIBLE.test(v), 'expected visible text, not only spaces or invisible characters');

/** Text that may be left out: blank (as CMS exports write a field they leave empty) is left out. */
const optionalText = z
  .string()
  .transform((v) => (VISIBLE.test(v) ? v : undefined))
  .optional();

/** Latin and CJK commas; a string, not a regex literal, so the Worker bundle stays ASCII. */
const TAG_SEPARATORS = new RegExp('[,，、]');

/** A list of tags, also accepted as one comma-separated string. */
const tagList = z
  .union([z.array(textSchema), z.string().transform((v) => v.split(TAG_SEPARATORS).map((t) => t.trim()).filter((t) => VISIBLE.test(t)))])
  .default([]);

export const priceSchema = z.strictObject({
  amount: z.number().positive(),
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'expected an ISO 4217 currency code').transform((c) => c.toUpperCase()),
});

const chapterFile = z.string().min(1).regex(/\.md$/, 'chapter paths end in .md');
const chapterEntry = z.union([chapterFile, z.strictObject({ file: chapterFile, sample: z.boolean().optional() })]);

export const chapterRefSchema = z.union([
  chapterEntry,
  z.strictObject({ part: textSchema, chapters: z.array(chapterEntry).min(1) }),
]);

export const PAGE_SIZES = ['a5', '6x9in', 'a4'] as const;

/** schema.org `accessMode` values (https://schema.org/accessMode). */
export const ACCESS_MODES = ['auditory', 'chartOnVisual', 'chemOnVisual', 'colorDependent', 'diagramOnTactile', 'diagramOnVisual', 'mathOnVisual', 'musicOnVisual', 'tactile', 'textOnVisual', 'textual', 'visual'] as const;

/** schema.org `accessibilityFeature` values (https://www.w3.org/2021/a11y-discov-vocab/latest/). */
export const ACCESSIBILITY_FEATURES = [
  'alternativeText', 'annotations', 'ARIA', 'audioDescription', 'bookmarks', 'braille', 'captions', 'ChemML', 'describedMath',
  'displayTransformability', 'fullRubyAnnotations', 'highContrastAudio', 'highContrastDisplay', 'horizontalWriting', 'index',
  'largePrint', 'latex', 'longDescription', 'MathML', 'none', 'openCaptions', 'pageBreakMarkers', 'pageNavigation',
  'printPageNumbers', 'readingOrder', 'rubyAnnotations', 'signLanguage', 'structuralNavigation', 'synchronizedAudioText',
  'tableOfContents', 'tactileGraphic', 'tactileObject', 'taggedPDF', 'timingControl', 'transcript', 'ttsMarkup', 'unknown',
  'unlocked', 'verticalWriting', 'withAdditionalWordSegmentation', 'withoutAdditionalWordSegmentation',
] as const;

/** schema.org `accessibilityHazard` values. */
export const ACCESSIBILITY_HAZARDS = [
  'flashing', 'motionSimulation', 'noFlashingHazard', 'noMotionSimulationHazard', 'noSoundHazard', 'none', 'sound', 'unknown',
  'unknownFlashingHazard', 'unknownMotionSimulationHazard', 'unknownSoundHazard',
] as const;

/** One value or a list of them, as YAML authors write either. */
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([z.array(item).min(1), item.transform((v) => [v])]);

/**
 * The `accessibility:` block of book.yaml: each field overrides what Bindery
 * derives from the book (src/document/accessibility.ts). Names follow the
 * EPUB Accessibility 1.1 metadata they set.
 */
export const accessibilitySchema = z.strictObject({
  accessMode: oneOrMany(z.enum(ACCESS_MODES)).optional(),
  /** Each entry is one sufficient set, modes joined by commas: `textual` or `textual,visual`. */
  accessModeSufficient: oneOrMany(
    z.string().refine((v) => v.split(',').every((m) => (ACCESS_MODES as readonly string[]).includes(m.trim())), 'expected access modes joined by commas, such as textual,visual')
      .transform((v) => v.split(',').map((m) => m.trim()).join(',')),
  ).optional(),
  accessibilityFeature: oneOrMany(z.enum(ACCESSIBILITY_FEATURES)).optional(),
  accessibilityHazard: oneOrMany(z.enum(ACCESSIBILITY_HAZARDS)).optional(),
  accessibilitySummary: optionalText,
  /** The conformance claim; `false` makes none. */
  conformsTo: z.union([textSchema, z.literal(false)]).optional(),
  /** Who evaluated the claim; defaults to the publisher. */
  certifiedBy: optionalText,
});

export type AccessibilitySettings = z.output<typeof accessibilitySchema>;

/** The schema of `book.yaml`. Unknown fields are errors: a typo must not pass silently. */
export const manifestSchema = z.strictObject({
  title: textSchema,
  subtitle: optionalText,
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'slug: lowercase letters, digits and dashes')
    .optional(),
  language: z.string().regex(LANGUAGE_TAG, 'expected a BCP 47 language tag such as zh-Hant'),
  authors: z.array(textSchema).min(1),
  publisher: optionalText,
  date: isoDate,
  description: optionalText,
  cover: z.string().optional(),
  isbn: z.string().regex(/^(97[89])?[0-9-]{9,16}[0-9Xx]$/, 'expected an ISBN').optional(),
  price: priceSchema.optional(),
  tags: tagList,
  page: z.enum(PAGE_SIZES).default('a5'),
  rights: optionalText,
  accessibility: accessibilitySchema.optional(),
  /** Contributor consent: `required` makes a contributor without a consent record an error; `block` also fails a build that would drop withdrawn content. */
  consent: consentPolicySchema.optional(),
  /** The publisher's text-and-data-mining reservation; absent, the deployment's default applies. */
  tdm: tdmSchema.optional(),
  chapters: z.array(chapterRefSchema).min(1),
});

export type Manifest = z.output<typeof manifestSchema>;

/** A chapter naming a pool article by id, as the editor API validates it and D1 stores it. */
type ArticleEntry = string | { article: string; sample?: boolean };
type ChapterEntry = z.output<typeof chapterEntry> | ArticleEntry;

/**
 * A validated manifest as a build reads it: `book.yaml` (`Manifest`, chapters
 * naming files) or a book of the pool, stored once in this validated form
 * with chapters naming article ids. A build never turns it back into text.
 */
export type BookManifest = Omit<Manifest, 'chapters'> & { chapters: (ChapterEntry | { part: string; chapters: ChapterEntry[] })[] };

/**
 * Article front matter. Unlike book.yaml, other fields are allowed (articles
 * often come from a CMS export that carries its own): they are ignored with a
 * warning, so a typo still shows.
 */
export const frontMatterSchema = z.object({
  title: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), textSchema),
  author: optionalText,
  date: isoDate.optional(),
  source: z.url().optional(),
  tags: tagList,
  lang: z.string().optional(),
  summary: optionalText,
  /** People whose words or work the article carries, each with the consent record that covers them (src/content/contributors.ts). */
  contributors: z.array(contributorSchema).max(100).default([]),
  /** Image path → its contributor, for images someone other than the article's authors made. */
  images: articleImagesSchema,
}).superRefine((meta, ctx) => {
  for (const issue of unlistedImageContributors(meta)) ctx.addIssue({ code: 'custom', ...issue });
});

export type FrontMatter = z.output<typeof frontMatterSchema>;

import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { stampedCopiesOf, stampedPdfEditionKeys } from '../../commerce/downloads.ts';
import { OrderRepository } from '../../commerce/orders.ts';
import { markKeyOf } from '../../crypto.ts';
import { BinderyError } from '../../errors.ts';
import { readMarks } from '../../formats/read-stamp.ts';
import { FORMATS, MEDIA_TYPES } from '../../formats/registry.ts';
import { LAYERS } from '../../licence.ts';
import { confidenceOf } from '../../stamp/marks.ts';
import { requireScope, type EditorEnv } from '../auth.ts';
import { problem, problemResponse } from '../problem.ts';
import { commerceRouter, jsonContent } from './common.ts';
import { adminProblems, OrderSchema, orderView, security } from './order-view.ts';

/** Uploaded books for verification can be large PDFs, but must leave room to read them in a 128 MB isolate. */
const MAX_VERIFY_BYTES = 64 * 1024 * 1024;
/**
 * Editions a PDF's layout layer is read against when no other layer names a
 * purchase: the most recently sold. Each is read whole (about a second for
 * 300 pages), so a copy of an edition last sold long ago needs another layer.
 */
const LAYOUT_EDITIONS = 4;

/** The unstamped PDF editions in R2 a leaked PDF may be a copy of, one at a time (each is let go before the next is read). */
async function* pdfEditions(env: EditorEnv['Bindings'], purchaseIds: string[]): AsyncIterable<Uint8Array> {
  for (const key of await stampedPdfEditionKeys(env.DB, purchaseIds, LAYOUT_EDITIONS)) {
    const object = await env.BOOKS.get(key);
    if (object) yield new Uint8Array(await object.arrayBuffer());
  }
}
const uploadedFile = z
  .custom<Blob>((value) => value instanceof Blob, 'send the file in a multipart field named "file"')
  .openapi({ type: 'string', format: 'binary' });
const uploadForm = z.object({ file: uploadedFile });

const FoundPurchaseSchema = z
  .object({
    purchaseId: z.string(),
    bookSlug: z.string(),
    email: z.string().openapi({ description: "The buyer's e-mail: for the publisher only" }),
    purchasedAt: z.string(),
    layers: z.array(z.enum(LAYERS as [string, ...string[]])).openapi({
      description: 'Where the purchase was found: metadata (PDF Info/XMP, EPUB OPF), text (the invisible text layer), layout (PDF line positions against the edition), visible (the printed licence line)',
    }),
    textPlaces: z.number().int().openapi({ description: 'How many places of the text layer carried the purchase id' }),
    layoutLines: z.number().int().openapi({ description: 'How many text lines of a PDF carried the purchase id in their positions' }),
    unkeyedLayers: z.array(z.enum(['text', 'layout'])).openapi({
      description: 'The text and layout layers that carried the purchase only in the unkeyed code of copies stamped before keyed marks: anyone who saw the purchase id could have written it',
    }),
    markMatches: z.boolean().openapi({ description: "Whether the metadata's licence mark is the order's own (false without metadata)" }),
    confidence: z.enum(['high', 'medium', 'low']).openapi({
      description:
        'high: the text or layout layer in the keyed code (only the store can write it), or metadata with the order’s own mark; medium: a purchase id in metadata without its mark, or the unkeyed code of older copies; low: only a printed purchase id, which anyone can edit',
    }),
    editions: z.array(z.object({ buildId: z.string(), format: z.enum(FORMATS), stampedAt: z.string() })).openapi({ description: 'The editions stamped for this purchase: where the file can have come from' }),
    order: OrderSchema,
  })
  .openapi('FoundPurchase');

/** POST /api/v1/verify: which purchases a leaked file or pasted excerpt was sold with. */
export function verifyRoutes() {
  const app = commerceRouter<EditorEnv>();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/verify',
      tags: ['commerce'],
      summary: 'Find the purchases a leaked EPUB, PDF or pasted excerpt was sold with (admin)',
      description:
        'Upload the file as multipart `file`, or as the raw request body; send pasted text as `text/plain` (at most 1 MB). Every purchase found is answered (a collage can hold several), with the layers that carried it.',
      security,
      middleware: [requireScope('admin'), bodyLimit({ maxSize: MAX_VERIFY_BYTES, onError: () => problemResponse(problem(413, 'The file is larger than 64 MB.')) })],
      request: {
        body: {
          required: false,
          content: {
            'multipart/form-data': { schema: uploadForm },
            ...Object.fromEntries(MEDIA_TYPES.map((type) => [type, { schema: z.string().openapi({ format: 'binary' }) }])),
            'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) },
            'text/plain': { schema: z.string().openapi({ description: 'An excerpt someone pasted (~300 characters carry a mark)' }) },
          },
        },
      },
      responses: {
        200: jsonContent(
          z
            .object({
              kind: z.enum([...FORMATS, 'text']),
              purchases: z.array(FoundPurchaseSchema),
              unknownPurchaseIds: z.array(z.string()).openapi({ description: 'Purchase ids found that name no order here' }),
            })
            .openapi('Verification'),
          'The purchases the input was marked for',
        ),
        ...adminProblems({
          400: 'No file in the form',
          404: 'No mark found, or only marks naming unknown purchases',
          413: 'File over 64 MB, or text over 1 MB',
          415: 'Unsupported media type',
          422: 'Empty, or not a readable EPUB or PDF',
        }),
      },
    }),
    async (c) => {
      const type = c.req.header('content-type') ?? '';
      const isForm = type.startsWith('multipart/form-data');
      const file = isForm ? uploadForm.parse(c.req.valid('form')).file : null;
      const bytes = file ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array(await c.req.arrayBuffer());
      const isText = (file ? file.type : type).startsWith('text/plain');
      // The file itself is the bad input here: it arrived whole but is empty or cannot be read as a book (422, not 400).
      if (bytes.length === 0) throw new BinderyError('unreadable-file', 'the upload is empty: send the EPUB, the PDF or the pasted text', { field: 'file' });
      // A store without a signing key has sold nothing in the keyed code; the older code is still read.
      const markKey = c.env.SIGNING_KEY ? await markKeyOf(c.env.SIGNING_KEY) : undefined;
      const marks = await readMarks(bytes, { isText, markKey, editions: (purchaseIds) => pdfEditions(c.env, purchaseIds) }).catch((err: unknown) => {
        throw err instanceof BinderyError && err.code === 'invalid-input' ? new BinderyError('unreadable-file', err.message, err.where, { cause: err }) : err;
      });
      const orders = new OrderRepository(c.env.DB);
      const purchases: z.infer<typeof FoundPurchaseSchema>[] = [];
      const unknownPurchaseIds: string[] = [];
      for (const found of marks.purchases) {
        const order = await orders.forStamp(found.purchaseId);
        if (!order) {
          unknownPurchaseIds.push(found.purchaseId);
          continue;
        }
        const markMatches = found.licenceMark !== null && found.licenceMark === order.licenceMark;
        purchases.push({
          purchaseId: order.id,
          bookSlug: order.bookSlug,
          email: order.email,
          purchasedAt: order.createdAt,
          layers: found.layers,
          textPlaces: found.textPlaces,
          layoutLines: found.layoutLines,
          unkeyedLayers: found.unkeyedLayers.filter((layer) => layer === 'text' || layer === 'layout'),
          markMatches,
          confidence: confidenceOf(found, markMatches),
          editions: await stampedCopiesOf(c.env.DB, order.id),
          order: orderView(order),
        });
      }
      if (purchases.length === 0) {
        const named = unknownPurchaseIds.length ? `: it names ${unknownPurchaseIds.join(', ')}, which no order here has` : ' (not a copy sold here, or every layer was removed)';
        throw new BinderyError('not-found', `no mark found${named}`);
      }
      return c.json({ kind: marks.kind, purchases, unknownPurchaseIds }, 200);
    },
  );
  return app;
}

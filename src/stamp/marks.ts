/**
 * What reading a file's marks finds, layer by layer, merged per purchase: the
 * readers of every format and of pasted text report here, and verify answers
 * from it.
 */
import { LAYERS, type FoundPurchase, type Layer } from '../licence.ts';
import { FailedChecks, findTextMarks, markCodes, type MarkCode } from './text-mark.ts';

/** A purchase id as printed in the visible licence line. */
const PRINTED_ID = /\bpur_[0-9a-f]{32}\b/g;

/** Collects findings from several layers and places into one list, one entry per purchase. */
export class MarkTally {
  readonly #found = new Map<string, FoundPurchase>();
  /** Text-layer places read in the keyed code, by purchase; and the keyed places whose tag failed, over the whole file. */
  readonly #keyedPlaces = new Map<string, number>();
  readonly #failures = new FailedChecks();

  /** The codes marks are read in: the keyed one only with the store's key. */
  readonly codes: readonly MarkCode[];

  constructor(markKey: Uint8Array | undefined) {
    this.codes = markCodes(markKey);
  }

  /** A finding; `keyed: false` for a text or layout layer read in the unkeyed code. */
  add(purchaseId: string, layer: Layer, detail: { places?: number; lines?: number; licenceMark?: string; keyed?: boolean } = {}): void {
    let entry = this.#found.get(purchaseId);
    if (!entry) this.#found.set(purchaseId, (entry = { purchaseId, layers: [], textPlaces: 0, layoutLines: 0, licenceMark: null, unkeyedLayers: [] }));
    const first = !entry.layers.includes(layer);
    if (first) entry.layers.push(layer);
    // A layer is unkeyed only while nothing keyed has been read in it.
    if (detail.keyed === false && first) entry.unkeyedLayers.push(layer);
    if (detail.keyed === true) entry.unkeyedLayers = entry.unkeyedLayers.filter((unkeyed) => unkeyed !== layer);
    if (detail.places) entry.textPlaces += detail.places;
    if (detail.lines) entry.layoutLines += detail.lines;
    if (detail.licenceMark) entry.licenceMark = detail.licenceMark;
  }

  /** The invisible text layer and the printed purchase ids of some running text. */
  addText(text: string, { visible = true } = {}): void {
    for (const [id, { places, keyed }] of findTextMarks(text, this.codes, this.#failures)) {
      this.add(id, 'text', { places, keyed });
      if (keyed) this.#keyedPlaces.set(id, (this.#keyedPlaces.get(id) ?? 0) + places);
    }
    if (visible) for (const [id] of text.matchAll(PRINTED_ID)) this.add(id, 'visible');
  }

  /** Every purchase found, in layer order (metadata, text, layout, visible), then by id. */
  list(): FoundPurchase[] {
    for (const entry of this.#found.values()) {
      // A keyed text layer outweighed by places that named the same purchase with failing tags was guessed at: no better than the unkeyed code.
      const keyedText = entry.layers.includes('text') && !entry.unkeyedLayers.includes('text');
      if (keyedText && !this.#failures.outweighs(entry.purchaseId, this.#keyedPlaces.get(entry.purchaseId) ?? 0)) entry.unkeyedLayers.push('text');
      entry.layers.sort((a, b) => LAYERS.indexOf(a) - LAYERS.indexOf(b));
      entry.unkeyedLayers.sort((a, b) => LAYERS.indexOf(a) - LAYERS.indexOf(b));
    }
    return [...this.#found.values()].sort((a, b) => LAYERS.indexOf(a.layers[0]) - LAYERS.indexOf(b.layers[0]) || a.purchaseId.localeCompare(b.purchaseId));
  }
}

/**
 * How sure a finding is that the file came from that purchase. The text and
 * layout layers in the keyed code cannot be written without the store's mark
 * key (the layout layer not without the unstamped edition either), and
 * metadata whose licence mark matches the order's cannot be guessed: high. A
 * purchase id in metadata alone, without its mark, could have been typed in,
 * and the unkeyed code of older copies computed by anyone who saw a printed
 * id: medium. A printed id alone is what anyone can edit or copy from
 * another file: low.
 */
export function confidenceOf(found: FoundPurchase, markMatches: boolean): 'high' | 'medium' | 'low' {
  const keyed = (layer: Layer) => found.layers.includes(layer) && !found.unkeyedLayers.includes(layer);
  if (keyed('text') || keyed('layout') || (found.layers.includes('metadata') && markMatches)) return 'high';
  return found.layers.some((layer) => layer !== 'visible') ? 'medium' : 'low';
}

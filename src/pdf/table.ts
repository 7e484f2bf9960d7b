import { firstColumnHeadsRows } from '../document/accessibility.ts';
import type { Align, Block } from '../document/model.ts';
import { breakText, decorate, drawTextBlock, longestUnbreakable, unbrokenWidth, type Box, type Frame, type TextBlock } from './boxes.ts';
import { COLOURS, TYPE } from './geometry.ts';
import { baseStyle, shapeInlines, type ShapeContext } from './inline.ts';
import type { StructNode } from './structure.ts';

const PAD_X = 4;
const PAD_Y = 3;
const BORDER = 0.5;

/**
 * Column widths that always fit the frame. Columns whose natural width is
 * within a fair share (numbers, dates, short labels) get it whole; the rest
 * share what is left the way CSS auto tables do: natural widths when they fit,
 * otherwise each keeps its longest word (up to a fair share) and the slack
 * goes in proportion to what each would like. When even that does not fit,
 * columns shrink in proportion and cells break inside words.
 */
export function columnWidths(min: readonly number[], max: readonly number[], available: number): number[] {
  const widths = max.map(() => 0);
  let open = max.map((_, i) => i);
  let space = available;
  for (;;) {
    const share = space / open.length;
    const narrow = open.filter((i) => max[i] <= share);
    if (!narrow.length || narrow.length === open.length) break;
    for (const i of narrow) {
      widths[i] = max[i];
      space -= max[i];
    }
    open = open.filter((i) => max[i] > share);
  }
  const share = space / open.length;
  const lo = open.map((i) => Math.min(min[i], share));
  const hi = open.map((i) => max[i]);
  const sumLo = lo.reduce((a, b) => a + b, 0);
  const sumHi = hi.reduce((a, b) => a + b, 0);
  open.forEach((col, k) => {
    if (sumHi <= space) widths[col] = hi[k];
    else if (sumLo <= space && sumHi > sumLo) widths[col] = lo[k] + ((hi[k] - lo[k]) * (space - sumLo)) / (sumHi - sumLo);
    else widths[col] = (space * lo[k]) / (sumLo || 1);
  });
  return widths;
}

/**
 * A table as one box per row; the header row repeats at the top of each page
 * the table continues on. Tagged Table › TR › TH (column or row scope) / TD: a row
 * split over pages stays one TR, each cell one element with content on both.
 */
export function tableBoxes(table: Extract<Block, { type: 'table' }>, frame: Frame, shape: ShapeContext, cjk: boolean, tableNode: StructNode): Box[] {
  const size = TYPE.body * 0.9;
  const leading = size * TYPE.leading(cjk) * 0.9;
  const cols = Math.max(table.header.length, ...table.rows.map((r) => r.length));
  const shapeRow = (cells: typeof table.header, face: 'regular' | 'bold') =>
    Array.from({ length: cols }, (_, i) => shapeInlines(cells[i] ?? [], baseStyle(face, size), shape));
  const header = shapeRow(table.header, 'bold');
  const rows = table.rows.map((r) => shapeRow(r, 'regular'));
  const all = [header, ...rows];
  const min = Array.from({ length: cols }, (_, c) => Math.max(...all.map((r) => longestUnbreakable(r[c]))) + 2 * PAD_X);
  const max = Array.from({ length: cols }, (_, c) => Math.max(...all.map((r) => unbrokenWidth(r[c]))) + 2 * PAD_X + 0.5);
  const widths = columnWidths(min, max, frame.width);
  const aligns: Align[] = Array.from({ length: cols }, (_, i) => table.align[i] ?? null);

  let headerBox: Box | undefined;
  // A first column of row names heads its rows, as in the EPUB (document/accessibility.ts decides).
  const rowHeaders = firstColumnHeadsRows(table);
  const cellTag = (row: StructNode, isHeader: boolean, column: number) => {
    if (isHeader) return row.add('TH', { attributes: { O: 'Table', Scope: 'Column' } });
    return column === 0 && rowHeaders ? row.add('TH', { attributes: { O: 'Table', Scope: 'Row' } }) : row.add('TD');
  };
  const rowBox = (cells: ReturnType<typeof shapeRow>, isHeader: boolean): Box => {
    const blocks: TextBlock[] = cells.map((chars, i) => breakText(chars, widths[i] - 2 * PAD_X));
    const row = tableNode.add('TR');
    const tags = cells.map((_, i) => cellTag(row, isHeader, i));
    const box = rowPart(blocks, tags, 0, Math.max(1, ...blocks.map((b) => b.lines.length)), isHeader);
    return isHeader ? { ...box, keepWithNext: true } : box;
  };
  /**
   * Lines [from, to) of every cell of a row, drawn as one strip with its cell
   * borders. A row taller than a page splits between two lines (the same line
   * index in every cell, as cells share the leading), each cell continuing at
   * its column on the next page.
   */
  const rowPart = (blocks: TextBlock[], tags: StructNode[], from: number, to: number, isHeader: boolean): Box => {
    const height = (to - from) * leading + 2 * PAD_Y;
    const part: Box = {
      height,
      spaceBefore: 0,
      ...(!isHeader && headerBox ? { repeatOnNewPage: headerBox } : {}),
      minHeight: Math.min(to - from, 2) * leading + 2 * PAD_Y,
      draw(canvas, top) {
        decorate(frame, canvas, top, height);
        let x = frame.x;
        blocks.forEach((block, i) => {
          if (isHeader) canvas.fillRect(x, top - height, widths[i], height, COLOURS.tableHeader);
          canvas.strokeRect(x, top - height, widths[i], height, COLOURS.rule, BORDER);
          const shown = { chars: block.chars, lines: block.lines.slice(from, to) };
          canvas.tagged(tags[i], () => drawTextBlock(canvas, shown, x + PAD_X, top - PAD_Y, widths[i] - 2 * PAD_X, leading, aligns[i] ?? 'left'));
          x += widths[i];
        });
      },
    };
    if (!isHeader && to - from >= 2) {
      part.split = (room) => {
        // At least two lines on each side, like a paragraph's widow and orphan lines, when the row has them.
        const keep = to - from >= 4 ? 2 : 1;
        const lines = Math.min(Math.floor((room - 2 * PAD_Y + 0.01) / leading), to - from - keep);
        if (lines < keep) return null;
        const rest = rowPart(blocks, tags, from + lines, to, isHeader);
        return [rowPart(blocks, tags, from, from + lines, isHeader), rest];
      };
    }
    return part;
  };
  headerBox = table.header.length ? rowBox(header, true) : undefined;
  const bodyBoxes = rows.map((r) => rowBox(r, false));
  return headerBox ? [headerBox, ...bodyBoxes] : bodyBoxes;
}

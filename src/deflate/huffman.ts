/**
 * Deflate's codes and bits (RFC 1951): Huffman code lengths limited to a
 * maximum, canonical codes, the dynamic block header, and a writer of bits
 * least significant first — what compress.ts writes its streams with.
 */

const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** Bits written least significant first, as deflate packs them. */
export class BitWriter {
  private buffer: Uint8Array;
  private length = 0;
  private pending = 0;
  private count = 0;
  constructor(size: number) {
    this.buffer = new Uint8Array(size);
  }
  get bit(): number {
    return this.length * 8 + this.count;
  }
  put(value: number, bits: number): void {
    this.pending |= value << this.count;
    this.count += bits;
    while (this.count >= 8) {
      if (this.length === this.buffer.length) this.grow();
      this.buffer[this.length++] = this.pending & 0xff;
      this.pending >>>= 8;
      this.count -= 8;
    }
  }
  /** Bits `from` to `to` of `source`, 16 at a time. */
  copy(source: Uint8Array, from: number, to: number): void {
    while (from < to) {
      const take = Math.min(16, to - from);
      const byte = from >>> 3;
      const word = source[byte] | (source[byte + 1] << 8) | (source[byte + 2] << 16);
      this.put((word >>> (from & 7)) & ((1 << take) - 1), take);
      from += take;
    }
  }
  align(): void {
    if (this.count > 0) this.put(0, 8 - this.count);
  }
  put32BigEndian(value: number): void {
    for (let shift = 24; shift >= 0; shift -= 8) this.put((value >>> shift) & 0xff, 8);
  }
  /** The bytes written; copied out when they fill under half the buffer, which is sized for the input, so that a stream kept (a stamp plan's page, an SVG form, a zip entry) does not hold the input's size in memory. */
  bytes(): Uint8Array {
    return this.length * 2 < this.buffer.length ? this.buffer.slice(0, this.length) : this.buffer.subarray(0, this.length);
  }
  private grow(): void {
    const bigger = new Uint8Array(this.buffer.length * 2);
    bigger.set(this.buffer);
    this.buffer = bigger;
  }
}

/**
 * Code lengths for `freq`, at most `limit` bits: minimum-redundancy lengths
 * (Moffat and Katajainen's in-place method), too-long codes folded back as
 * miniz does. At least `minimum` symbols get a code, so that a tree is never
 * a single leaf where the decoder wants two.
 */
export function huffmanLengths(freq: Uint32Array, limit: number, minimum: number): Uint8Array {
  const lengths = new Uint8Array(freq.length);
  // The symbols with a code, by frequency then symbol: packed as frequency × 512 + symbol and sorted as numbers.
  const packed: number[] = [];
  for (let sym = 0; sym < freq.length; sym++) if (freq[sym] > 0) packed.push(freq[sym] * 512 + sym);
  for (let sym = 0; packed.length < minimum; sym++) if (freq[sym] === 0) packed.push(sym);
  const order = Float64Array.from(packed).sort();
  const n = order.length;
  const used = new Uint16Array(n);
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    used[i] = order[i] % 512;
    key[i] = Math.max(1, freq[used[i]]);
  }
  if (n === 1) {
    lengths[used[0]] = 1;
    return lengths;
  }
  key[0] += key[1];
  let root = 0;
  let leaf = 2;
  for (let next = 1; next < n - 1; next++) {
    if (leaf >= n || key[root] < key[leaf]) {
      key[next] = key[root];
      key[root++] = next;
    } else key[next] = key[leaf++];
    if (leaf >= n || (root < next && key[root] < key[leaf])) {
      key[next] += key[root];
      key[root++] = next;
    } else key[next] += key[leaf++];
  }
  key[n - 2] = 0;
  for (let next = n - 3; next >= 0; next--) key[next] = key[key[next]] + 1;
  let available = 1;
  let usedAtDepth = 0;
  let depth = 0;
  let root2 = n - 2;
  let next = n - 1;
  while (available > 0) {
    while (root2 >= 0 && key[root2] === depth) {
      usedAtDepth++;
      root2--;
    }
    while (available > usedAtDepth) {
      key[next--] = depth;
      available--;
    }
    available = 2 * usedAtDepth;
    depth++;
    usedAtDepth = 0;
  }
  // key[i] is now the length of used[i]; count codes per length and fold those over the limit.
  let longest = limit;
  for (let i = 0; i < n; i++) longest = Math.max(longest, key[i]);
  const perLength = new Uint32Array(longest + 1);
  for (let i = 0; i < n; i++) perLength[key[i]]++;
  for (let length = limit + 1; length < perLength.length; length++) perLength[limit] += perLength[length];
  let total = 0;
  for (let length = limit; length > 0; length--) total += perLength[length] << (limit - length);
  while (total !== 1 << limit) {
    perLength[limit]--;
    for (let length = limit - 1; length > 0; length--) {
      if (perLength[length]) {
        perLength[length]--;
        perLength[length + 1] += 2;
        break;
      }
    }
    total--;
  }
  // The most frequent symbols take the shortest codes.
  let at = n;
  for (let length = 1; length <= limit; length++) for (let count = perLength[length]; count > 0; count--) lengths[used[--at]] = length;
  return lengths;
}

/** Canonical Huffman codes for `lengths`, bit-reversed for writing least significant bit first. */
export function canonicalCodes(lengths: Uint8Array): Uint16Array {
  const perLength = new Uint16Array(16);
  for (const length of lengths) if (length) perLength[length]++;
  const next = new Uint16Array(16);
  for (let length = 1, code = 0; length < 16; length++) {
    code = (code + perLength[length - 1]) << 1;
    next[length] = code;
  }
  const codes = new Uint16Array(lengths.length);
  lengths.forEach((length, sym) => {
    if (!length) return;
    let code = next[length]++;
    let reversed = 0;
    for (let b = 0; b < length; b++, code >>>= 1) reversed = (reversed << 1) | (code & 1);
    codes[sym] = reversed;
  });
  return codes;
}

/** The dynamic block header: HLIT, HDIST, HCLEN, the code-length code, then both trees' lengths run-length coded. */
export function writeCodeLengths(out: BitWriter, litLengths: Uint8Array, distLengths: Uint8Array): void {
  let hlit = 286;
  while (hlit > 257 && litLengths[hlit - 1] === 0) hlit--;
  let hdist = 30;
  while (hdist > 1 && distLengths[hdist - 1] === 0) hdist--;
  const all = new Uint8Array(hlit + hdist);
  all.set(litLengths.subarray(0, hlit));
  all.set(distLengths.subarray(0, hdist), hlit);
  // Run-length coded: a symbol and its extra bits' value per run.
  const symbols = new Uint8Array(all.length);
  const extras = new Uint8Array(all.length);
  let runs = 0;
  const push = (symbol: number, extra: number) => {
    symbols[runs] = symbol;
    extras[runs++] = extra;
  };
  for (let i = 0; i < all.length; ) {
    const length = all[i];
    let run = 1;
    while (i + run < all.length && all[i + run] === length) run++;
    if (length === 0 && run >= 3) {
      const take = Math.min(run, 138);
      if (take >= 11) push(18, take - 11);
      else push(17, take - 3);
      i += take;
    } else if (length !== 0 && run >= 4) {
      push(length, 0);
      const take = Math.min(run - 1, 6);
      push(16, take - 3);
      i += 1 + take;
    } else {
      push(length, 0);
      i++;
    }
  }
  const freq = new Uint32Array(19);
  for (let r = 0; r < runs; r++) freq[symbols[r]]++;
  const lengths = huffmanLengths(freq, 7, 2);
  const codes = canonicalCodes(lengths);
  let hclen = 19;
  while (hclen > 4 && lengths[CODE_LENGTH_ORDER[hclen - 1]] === 0) hclen--;
  out.put(hlit - 257, 5);
  out.put(hdist - 1, 5);
  out.put(hclen - 4, 4);
  for (let i = 0; i < hclen; i++) out.put(lengths[CODE_LENGTH_ORDER[i]], 3);
  for (let r = 0; r < runs; r++) {
    const symbol = symbols[r];
    const extra = extras[r];
    out.put(codes[symbol], lengths[symbol]);
    if (symbol === 16) out.put(extra, 2);
    else if (symbol === 17) out.put(extra, 3);
    else if (symbol === 18) out.put(extra, 7);
  }
}

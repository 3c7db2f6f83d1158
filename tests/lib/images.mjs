// tests/lib/images.mjs — images made by the tests themselves (no binary fixture): PNG
// files of any size and content, with an EXIF chunk holding a GPS position when asked,
// and "bombs" whose header claims more pixels than any photo has.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32(buf) {
  let c = -1;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function ihdr(width, height) {
  const h = Buffer.alloc(13);
  h.writeUInt32BE(width, 0);
  h.writeUInt32BE(height, 4);
  h[8] = 8; // bit depth
  h[9] = 2; // RGB
  return chunk('IHDR', h);
}

/** A minimal EXIF block (TIFF, little-endian) whose GPS IFD says latitude 44°N: what a
 *  phone writes, and what must not survive an upload. */
export function exifWithGps() {
  const b = Buffer.alloc(64);
  b.write('II', 0, 'latin1');
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4); // IFD0 at 8
  b.writeUInt16LE(1, 8); // one entry
  b.writeUInt16LE(0x8825, 10); // GPSInfo IFD pointer
  b.writeUInt16LE(4, 12); // LONG
  b.writeUInt32LE(1, 14);
  b.writeUInt32LE(26, 18); // GPS IFD at 26
  b.writeUInt32LE(0, 22); // no next IFD
  b.writeUInt16LE(1, 26); // one GPS entry
  b.writeUInt16LE(1, 28); // GPSLatitudeRef
  b.writeUInt16LE(2, 30); // ASCII
  b.writeUInt32LE(2, 32);
  b.write('N\0', 36, 'latin1');
  b.writeUInt32LE(0, 40);
  b.write('GPSmarker', 44, 'latin1');
  return b;
}

/** A PNG of width × height with a smooth pattern (seed changes it); exif: a Buffer put
 *  in an eXIf chunk. */
export function png(width, height, { seed = 1, exif } = {}) {
  const row = 1 + width * 3;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) {
    raw[y * row] = 0;
    for (let x = 0; x < width; x++) {
      const o = y * row + 1 + x * 3;
      raw[o] = (x * 255 / width + seed * 37) & 255;
      raw[o + 1] = (y * 255 / height + seed * 91) & 255;
      raw[o + 2] = ((x + y) * 7 + seed * 13 + ((x * y * seed) % 17)) & 255;
    }
  }
  const parts = [Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), ihdr(width, height)];
  if (exif) parts.push(chunk('eXIf', exif));
  parts.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** A small file whose header claims width × height pixels (a decompression bomb, or a
 *  200-megapixel photo): a few rows of data compressed from zeros. */
export function pngClaiming(width, height) {
  const rows = Buffer.alloc(Math.min(height, 4) * (1 + width * 3));
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), ihdr(width, height),
    chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

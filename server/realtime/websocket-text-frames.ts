// WebSocket text frames (RFC 6455 §5.2) as a server sends them: final, unmasked, uncompressed.
// The fan-out writes a connection's whole batch of `data` frames as one buffer in one socket write
// instead of one `ws.send` (two writes) per frame; the frames are byte for byte what `ws` would send.

/** One frame's text as parts already encoded in UTF-8 (a per-subscription prefix, a shared payload, …). */
export type FrameParts = readonly Buffer[];

function headerLength(payloadBytes: number): number {
  if (payloadBytes < 126) return 2;
  return payloadBytes < 65_536 ? 4 : 10;
}

function payloadBytesOf(parts: FrameParts): number {
  let total = 0;
  for (const part of parts) total += part.length;
  return total;
}

/** Bytes `encodeTextFrames(frames)` produces. */
export function textFramesLength(frames: readonly FrameParts[]): number {
  let total = 0;
  for (const parts of frames) {
    const bytes = payloadBytesOf(parts);
    total += headerLength(bytes) + bytes;
  }
  return total;
}

/** The frames, each one final text frame whose payload is its parts in order, concatenated. */
export function encodeTextFrames(frames: readonly FrameParts[]): Buffer {
  const out = Buffer.allocUnsafe(textFramesLength(frames));
  let at = 0;
  for (const parts of frames) {
    const bytes = payloadBytesOf(parts);
    out[at] = 0x81; // FIN + opcode 1 (text)
    if (bytes < 126) {
      out[at + 1] = bytes;
      at += 2;
    } else if (bytes < 65_536) {
      out[at + 1] = 126;
      out.writeUInt16BE(bytes, at + 2);
      at += 4;
    } else {
      out[at + 1] = 127;
      out.writeUInt32BE(0, at + 2);
      out.writeUInt32BE(bytes, at + 6);
      at += 10;
    }
    for (const part of parts) at += part.copy(out, at);
  }
  return out;
}

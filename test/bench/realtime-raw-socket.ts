// A bare WebSocket client for the fan-out benchmark's subscriber processes: the upgrade by hand,
// server frames split straight out of the socket's chunks, text handed over as Buffer slices.
// At 300,000 frames/s spread over a few processes on the same 2 cores as the server, the `ws`
// client's per-message work would measure the load generator rather than the server.
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface RawSocketHandlers {
  /** One text frame's payload (a view into the received chunk: copy what you keep). */
  onText(payload: Buffer): void;
  onOpen(): void;
  onClose(): void;
}

/** A client-side WebSocket over `net`; text frames only, masked with a zero key (the server unmasks any key). */
export class RawWebSocket {
  private readonly socket: Socket;
  private upgraded = false;
  private pending: Buffer | null = null;
  private closed = false;

  constructor(
    url: string,
    protocols: readonly string[],
    localAddress: string,
    private readonly handlers: RawSocketHandlers,
  ) {
    const target = new URL(url);
    this.socket = connect({ host: target.hostname, port: Number(target.port), localAddress });
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => {
      this.socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocols.join(', ')}\r\n\r\n`,
      );
    });
    this.socket.on('data', (chunk: Buffer) => this.onChunk(chunk));
    this.socket.on('error', () => this.finish());
    this.socket.on('close', () => this.finish());
  }

  /** Sends one text frame. */
  send(text: string): void {
    const payload = Buffer.from(text);
    const length = payload.length;
    const header = length < 126 ? Buffer.from([0x81, 0x80 | length, 0, 0, 0, 0]) : Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff, 0, 0, 0, 0]);
    this.socket.write(Buffer.concat([header, payload]));
  }

  terminate(): void {
    this.socket.destroy();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.onClose();
  }

  private onChunk(chunk: Buffer): void {
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    if (!this.upgraded) {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) {
        this.pending = data;
        return;
      }
      if (!data.subarray(0, end).toString('latin1').startsWith('HTTP/1.1 101')) {
        this.socket.destroy();
        return;
      }
      this.upgraded = true;
      this.handlers.onOpen();
      data = data.subarray(end + 4);
    }
    let at = 0;
    while (data.length - at >= 2) {
      const opcode = data[at]! & 0x0f;
      let length = data[at + 1]! & 0x7f;
      let offset = at + 2;
      if (length === 126) {
        if (data.length - at < 4) break;
        length = data.readUInt16BE(at + 2);
        offset = at + 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        length = data.readUInt32BE(at + 6);
        offset = at + 10;
      }
      if (data.length < offset + length) break;
      const payload = data.subarray(offset, offset + length);
      if (opcode === 1) this.handlers.onText(payload);
      else if (opcode === 9) this.pong(payload);
      else if (opcode === 8) this.socket.end();
      at = offset + length;
    }
    if (at < data.length) this.pending = Buffer.from(data.subarray(at));
  }

  private pong(payload: Buffer): void {
    this.socket.write(Buffer.concat([Buffer.from([0x8a, 0x80 | payload.length, 0, 0, 0, 0]), payload]));
  }
}

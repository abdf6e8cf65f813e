// The slice of ssh2's API the engine uses. @types/ssh2 is not a dependency; declaring
// what we call keeps strict typing without adding a package.
declare module 'ssh2' {
  import { EventEmitter } from 'node:events';
  import type { Readable, Duplex } from 'node:stream';

  export interface ConnectConfig {
    host: string;
    port: number;
    username: string;
    privateKey: Buffer | string;
    readyTimeout?: number;
    keepaliveInterval?: number;
    keepaliveCountMax?: number;
    hostVerifier?: (key: Buffer) => boolean;
    /** ssh2's protocol trace, one line per packet (tests act at a packet boundary with it). */
    debug?: (message: string) => void;
  }

  export interface ClientChannel extends Duplex {
    stderr: Readable;
    close(): void;
  }

  export class Client extends EventEmitter {
    connect(config: ConnectConfig): this;
    exec(
      command: string,
      callback: (err: Error | undefined, channel: ClientChannel) => void,
    ): boolean;
    end(): this;
    destroy(): this;
  }
}

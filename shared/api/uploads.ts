import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';

/**
 * Files a UI hands over by value (a browser drop or picker gives bytes, not
 * paths): each is written under `<home>/uploads/<id>/` and known by an opaque
 * id, so the UI never names a path on disk. Removed once imported.
 */
export class UploadArea {
  private readonly files = new Map<string, { readonly path: string; readonly name: string }>();

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
  ) {}

  /** Streams one upload to disk; a body over the cap is refused and nothing is kept. */
  async put(name: string, body: Readable): Promise<{ kind: 'ok'; id: string } | { kind: 'too-large'; message: string } | { kind: 'error'; message: string }> {
    const id = randomBytes(12).toString('hex');
    const folder = path.join(this.dir, id);
    const file = path.join(folder, safeName(name));
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    let seen = 0;
    const max = this.maxBytes;
    const cap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        seen += chunk.byteLength;
        if (seen > max) done(new TooLarge());
        else done(null, chunk);
      },
    });
    try {
      await pipeline(body, cap, createWriteStream(file, { mode: 0o600 }));
    } catch (e) {
      rmSync(folder, { recursive: true, force: true });
      if (e instanceof TooLarge) return { kind: 'too-large', message: `${name} is larger than ${Math.round(max / 1024 / 1024)} MB` };
      return { kind: 'error', message: `${name} could not be received: ${e instanceof Error ? e.message : String(e)}` };
    }
    this.files.set(id, { path: file, name: safeName(name) });
    return { kind: 'ok', id };
  }

  get(id: string): { readonly path: string; readonly name: string } | undefined {
    return this.files.get(id);
  }

  remove(id: string): void {
    this.files.delete(id);
    rmSync(path.join(this.dir, id), { recursive: true, force: true });
  }

  /** Removes every upload (the host is stopping, or a previous run left some). */
  clear(): void {
    this.files.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

class TooLarge extends Error {}

/** The file's own name, kept for format detection and messages; never a path. */
function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_').replace(/^\.+/, '_').slice(0, 200);
  return cleaned || 'upload';
}

import net from 'node:net';

/**
 * A TCP → Unix-socket forwarder that listens on loopback only (127.0.0.1,
 * and ::1 where IPv6 exists), so the pod is reachable from this computer and
 * from no other.
 */
export interface LoopbackProxy {
  readonly port: number;
  /** The addresses actually listened on, e.g. `['127.0.0.1', '::1']`. */
  readonly addresses: readonly string[];
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

export type ProxyResult =
  | { readonly kind: 'ok'; readonly proxy: LoopbackProxy }
  | { readonly kind: 'in-use'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

type ListenOutcome = { kind: 'ok'; server: net.Server; port: number } | { kind: 'failed'; code: string | undefined; message: string };

function listenOn(server: net.Server, host: string, port: number): Promise<ListenOutcome> {
  return new Promise((resolve) => {
    const onError = (e: NodeJS.ErrnoException) => resolve({ kind: 'failed', code: e.code, message: e.message });
    server.once('error', onError);
    server.listen({ host, port, exclusive: true, ipv6Only: host === '::1' }, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve({ kind: 'ok', server, port: typeof addr === 'object' && addr ? addr.port : port });
    });
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

/** Request heads larger than this are refused before the Host check. */
const MAX_HEAD = 64 * 1024;

/** `localhost:<port>`, `127.0.0.1:<port>` or `[::1]:<port>` (the names this pod's URLs use). */
function loopbackHost(host: string, port: number): boolean {
  return host === `localhost:${port}` || host === `127.0.0.1:${port}` || host === `[::1]:${port}`;
}

/** Errors that mean "this machine has no IPv6 loopback", not "the port is taken". */
const NO_IPV6 = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT', 'EINVAL']);

/**
 * Listens on `port` (0: a free port, the same on both loopbacks) and forwards
 * every connection to the Unix socket `target`.
 */
export async function startLoopbackProxy(opts: { port: number; target: string; onError?: (message: string) => void }): Promise<ProxyResult> {
  const connections = new Set<net.Socket>();
  let listeningPort = opts.port;
  const handle = (client: net.Socket) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    // DNS rebinding: a web page whose name now points at 127.0.0.1 would reach the pod with its own Host.
    // Only requests addressed to this computer's loopback names get through.
    let head = Buffer.alloc(0);
    const onHead = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0 && head.length < MAX_HEAD) return;
      client.off('data', onHead);
      client.pause();
      const host = /\r\nhost:[ \t]*([^\r\n]*)/i.exec(head.subarray(0, end < 0 ? head.length : end).toString('latin1'))?.[1]?.trim().toLowerCase();
      if (end < 0 || !host || !loopbackHost(host, listeningPort)) {
        client.end('HTTP/1.1 421 Misdirected Request\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: 44\r\n\r\nThis pod answers on this computer only.\r\n\r\n');
        return;
      }
      forward(client, head);
    };
    client.on('data', onHead);
    client.on('error', () => client.destroy());
  };
  const forward = (client: net.Socket, first: Buffer) => {
    const upstream = net.connect({ path: opts.target, allowHalfOpen: true });
    connections.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    // Either side failing ends both; a clean end is passed on (half-close), a full close tears down the other side.
    client.on('error', drop);
    upstream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ECONNREFUSED' && e.code !== 'ENOENT' && e.code !== 'ECONNRESET' && e.code !== 'EPIPE') opts.onError?.(`proxy: ${e.message}`);
      drop();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => {
      connections.delete(upstream);
      client.destroy();
    });
    upstream.write(first);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  };
  const make = () => net.createServer({ allowHalfOpen: true, pauseOnConnect: false }, handle);

  const attempts = opts.port === 0 ? 10 : 1;
  let last = '';
  for (let i = 0; i < attempts; i++) {
    const v4 = await listenOn(make(), '127.0.0.1', opts.port);
    if (v4.kind === 'failed') {
      if (v4.code === 'EADDRINUSE') return { kind: 'in-use', message: `port ${opts.port} on 127.0.0.1 is in use by another program` };
      return { kind: 'error', message: `cannot listen on 127.0.0.1:${opts.port}: ${v4.message}` };
    }
    const servers = [v4.server];
    const addresses = ['127.0.0.1'];
    const v6 = await listenOn(make(), '::1', v4.port);
    if (v6.kind === 'ok') {
      servers.push(v6.server);
      addresses.push('::1');
    } else if (!NO_IPV6.has(v6.code ?? '')) {
      await closeServer(v4.server);
      last = v6.code === 'EADDRINUSE' ? `port ${v4.port} on ::1 is in use by another program` : `cannot listen on [::1]:${v4.port}: ${v6.message}`;
      if (v6.code === 'EADDRINUSE' && opts.port === 0) continue; // a free port on 127.0.0.1 can be taken on ::1: try another
      return { kind: v6.code === 'EADDRINUSE' ? 'in-use' : 'error', message: last };
    }
    listeningPort = v4.port;
    for (const s of servers) s.on('error', (e) => opts.onError?.(`proxy listener: ${e.message}`));
    return {
      kind: 'ok',
      proxy: {
        port: v4.port,
        addresses,
        close: async () => {
          const closing = servers.map(closeServer);
          for (const c of connections) c.destroy();
          await Promise.all(closing);
        },
      },
    };
  }
  return { kind: 'in-use', message: last };
}
